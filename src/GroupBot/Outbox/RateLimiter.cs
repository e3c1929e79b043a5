namespace GroupBot.Outbox;

/// <summary>A token bucket: <see cref="Capacity"/> at once, refilled at <see cref="PerSecond"/>.</summary>
public sealed class TokenBucket(double capacity, double perSecond, DateTimeOffset now)
{
    private double _tokens = capacity;
    private DateTimeOffset _at = now;

    public double Capacity { get; } = capacity;
    public double PerSecond { get; } = perSecond;

    public TimeSpan WaitFor(DateTimeOffset now)
    {
        Refill(now);
        return _tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _tokens) / PerSecond);
    }

    public void Take(DateTimeOffset now)
    {
        Refill(now);
        _tokens -= 1;
    }

    private void Refill(DateTimeOffset now)
    {
        if (now <= _at) return;
        _tokens = Math.Min(Capacity, _tokens + (now - _at).TotalSeconds * PerSecond);
        _at = now;
    }
}

/// <summary>
/// Telegram's limits for one bot: about 30 messages a second overall, one a second in a chat (short bursts allowed),
/// 20 a minute in a group. A chat paused by a 429 waits exactly the retry_after Telegram gave.
/// </summary>
public sealed class RateLimiter(OutboxOptions options)
{
    private readonly Dictionary<long, TokenBucket> _chats = [];
    private readonly Dictionary<long, TokenBucket> _groups = [];
    private readonly Dictionary<long, DateTimeOffset> _paused = [];
    private TokenBucket? _global;

    /// <summary>How long until a message to this chat may go (zero: now).</summary>
    public TimeSpan WaitFor(long chatId, bool isMessage, DateTimeOffset now)
    {
        var wait = Global(now).WaitFor(now);
        if (_paused.TryGetValue(chatId, out var until) && until > now) wait = Max(wait, until - now);
        if (!isMessage) return wait;
        wait = Max(wait, Chat(chatId, now).WaitFor(now));
        if (chatId < 0) wait = Max(wait, Group(chatId, now).WaitFor(now));
        return wait;
    }

    /// <summary>How long until the overall budget allows any send.</summary>
    /// <summary>Chats told by a 429 to wait that are still waiting (for /status).</summary>
    public int PausedChats(DateTimeOffset now) => _paused.Count(p => p.Value > now);

    /// <summary>Each chat still held by a 429 and until when (for the console's outbox page).</summary>
    public List<(long ChatId, DateTimeOffset Until)> PausedUntil(DateTimeOffset now) =>
        _paused.Where(p => p.Value > now).Select(p => (p.Key, p.Value)).ToList();

    public TimeSpan GlobalWait(DateTimeOffset now) => Global(now).WaitFor(now);

    public void Take(long chatId, bool isMessage, DateTimeOffset now)
    {
        Global(now).Take(now);
        if (!isMessage) return;
        Chat(chatId, now).Take(now);
        if (chatId < 0) Group(chatId, now).Take(now);
    }

    public void Pause(long chatId, DateTimeOffset until) => _paused[chatId] = until;

    // A small burst overall: a broadcast that starts from idle would otherwise send twice the rate in its first second,
    // and clock jitter against Telegram's own bucket then draws 429s.
    private TokenBucket Global(DateTimeOffset now) => _global ??= new TokenBucket(Math.Max(1, options.GlobalPerSecond * GlobalBurstSeconds), options.GlobalPerSecond, now);

    /// <summary>How much of a second's worth of messages may go at once overall before the steady rate applies.</summary>
    public const double GlobalBurstSeconds = 1.0 / 3;

    private TokenBucket Chat(long id, DateTimeOffset now) =>
        _chats.TryGetValue(id, out var b) ? b : _chats[id] = new TokenBucket(options.ChatBurst, options.ChatPerSecond, now);

    private TokenBucket Group(long id, DateTimeOffset now) =>
        _groups.TryGetValue(id, out var b) ? b : _groups[id] = new TokenBucket(options.GroupPerMinute, options.GroupPerMinute / 60.0, now);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

public sealed class OutboxOptions
{
    public const string Section = "Outbox";
    /// <summary>Below Telegram's ~30/s on purpose: sending at exactly its rate, network jitter alone draws 429s.</summary>
    public double GlobalPerSecond { get; set; } = 28;
    public double ChatPerSecond { get; set; } = 1;
    public double ChatBurst { get; set; } = 3;
    public double GroupPerMinute { get; set; } = 20;
    /// <summary>Tries for a network error or 5xx before the item is given up (and logged).</summary>
    public int MaxAttempts { get; set; } = 8;
    /// <summary>Requests under way at once (never two for one chat): with a 100 ms round trip, 1 would cap the rate at 10/s.</summary>
    public int MaxInFlight { get; set; } = 8;
}
