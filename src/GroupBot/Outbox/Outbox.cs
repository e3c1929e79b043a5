using GroupBot.Chat;
using GroupBot.Storage;
using LiteDB;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Outbox;

/// <summary>
/// Every outgoing action of every feature is written here before it is sent, and the sender drains it within
/// Telegram's limits: one chat's items in order (never two in flight for one chat), chats interleaved, up to
/// MaxInFlight requests at once so a slow round trip to Telegram does not cap the rate. A crash loses nothing
/// accepted; a keyed item (a scheduled post) is accepted once only. After sending, the message id is recorded
/// under the item's tag.
/// </summary>
public sealed class OutboxQueue : BackgroundService
{
    private readonly Database _db;
    private readonly ILiteCollection<OutboxItem> _items;
    private readonly IChatAdapter _adapter;
    private readonly SentMessages _sent;
    private readonly TimeProvider _time;
    private readonly OutboxOptions _options;
    private readonly ILogger<OutboxQueue> _log;
    private readonly RateLimiter _limiter;
    private readonly Lock _lock = new();
    private readonly List<OutboxItem> _pending = [];
    private readonly Dictionary<long, List<TaskCompletionSource>> _idleWaiters = [];
    private readonly HashSet<long> _inFlight = [];
    private readonly List<Task> _sending = [];
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sentSinceCleanup;

    public OutboxQueue(Database db, IChatAdapter adapter, SentMessages sent, TimeProvider time, IOptions<OutboxOptions> options, ILogger<OutboxQueue> log)
    {
        _db = db;
        _adapter = adapter;
        _sent = sent;
        _time = time;
        _options = options.Value;
        _log = log;
        _limiter = new RateLimiter(_options);
        _items = db.Collection<OutboxItem>("outbox");
        _items.EnsureIndex(i => i.Key, unique: true);
        _items.EnsureIndex(i => i.State);
        _pending.AddRange(_items.Find(i => i.State == OutboxItem.Pending).OrderBy(i => i.Id));
    }

    public int PendingCount
    {
        get { lock (_lock) return _pending.Count; }
    }

    /// <summary>Stores actions to send (one transaction); a keyed action already accepted is skipped. Returns how many were new.</summary>
    /// <param name="alsoRecord">the caller's own record of what was accepted, written in the same transaction (so a crash
    /// cannot leave one without the other); called only when at least one action was new</param>
    public int Enqueue(IEnumerable<ChatAction> actions, Func<ChatAction, string?>? keyOf = null, Action? alsoRecord = null)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var items = actions.Select(a => OutboxItem.From(a, now, keyOf?.Invoke(a))).ToList();
        if (items.Count == 0) return 0;
        var added = _db.InTransaction(() =>
        {
            var fresh = new List<OutboxItem>();
            foreach (var item in items)
            {
                if (_items.Exists(i => i.Key == item.Key)) continue;
                _items.Insert(item);
                fresh.Add(item);
            }
            if (fresh.Count > 0) alsoRecord?.Invoke();
            return fresh;
        });
        lock (_lock)
        {
            _pending.AddRange(added);
            _wake.TrySetResult();
        }
        return added.Count;
    }

    public bool Contains(string key) => _items.Exists(i => i.Key == key);

    /// <summary>Whether a message with this tag was accepted (sent items are kept a day).</summary>
    public bool HasTag(string tag) => _items.Exists(i => i.Tag == tag);

    /// <summary>Completes when nothing is left to send to this chat (the local chat waits for it between lines).</summary>
    public Task WhenIdle(long chatId)
    {
        lock (_lock)
        {
            if (!_pending.Any(i => i.ChatId == chatId)) return Task.CompletedTask;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_idleWaiters.TryGetValue(chatId, out var list)) _idleWaiters[chatId] = list = [];
            list.Add(waiter);
            return waiter.Task;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var (next, wait) = PickNext();
                if (next is null)
                {
                    Task wake;
                    lock (_lock) wake = _wake.Task;
                    try
                    {
                        await (wait is { } w ? Task.WhenAny(wake, Task.Delay(w, _time, ct)) : wake.WaitAsync(ct));
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    continue;
                }
                lock (_lock) _sending.Add(SendAndRelease(next, ct));
            }
        }
        finally
        {
            // Nothing may touch the store after the host disposes it: let the sends under way finish or cancel.
            Task[] sending;
            lock (_lock) sending = [.. _sending];
            await Task.WhenAll(sending);
        }
    }

    private async Task SendAndRelease(OutboxItem item, CancellationToken ct)
    {
        await Task.Yield(); // the picking loop goes on while this request is under way
        try
        {
            await Send(item, ct);
        }
        finally
        {
            lock (_lock)
            {
                _inFlight.Remove(item.ChatId);
                _sending.RemoveAll(t => t.IsCompleted);
                _wake.TrySetResult();
            }
        }
    }

    /// <summary>The first pending item that may go now (each chat's items in order), or how long until one may.</summary>
    private (OutboxItem? Item, TimeSpan? Wait) PickNext()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_wake.Task.IsCompleted) _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // All slots busy: a finished send wakes the loop.
            if (_inFlight.Count >= _options.MaxInFlight) return (null, null);
            TimeSpan? soonest = null;
            var blocked = new HashSet<long>(_inFlight); // a chat with a request under way waits for its answer
            foreach (var item in _pending)
            {
                if (!blocked.Add(item.ChatId)) continue; // an earlier item of this chat goes first
                var wait = _limiter.WaitFor(item.ChatId, item.IsMessage, now);
                var due = new DateTimeOffset(DateTime.SpecifyKind(item.NextUtc, DateTimeKind.Utc)) - now;
                if (due > wait) wait = due;
                if (wait <= TimeSpan.Zero)
                {
                    _limiter.Take(item.ChatId, item.IsMessage, now);
                    _inFlight.Add(item.ChatId);
                    return (item, null);
                }
                if (soonest is null || wait < soonest) soonest = wait;
            }
            return (null, soonest);
        }
    }

    /// <summary>How long a send under way may still take once the bot is stopping.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private async Task Send(OutboxItem item, CancellationToken ct)
    {
        // A send under way is let finish when the bot stops: cut off, it may already have reached Telegram and
        // would then go out a second time after the restart. Only a send that hangs past the grace is cut.
        using var finish = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        await using var onStop = ct.Register(() => finish.CancelAfter(StopGrace));
        ct = finish.Token;
        try
        {
            item.SentMessageId = await _adapter.PerformAsync(item.ToAction(), ct);
            Finish(item, OutboxItem.Sent, null);
            if (item.Tag is { } tag && item.SentMessageId is { } id) _sent.Record(tag, item.ChatId, id);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (ChatApiException ex) when (ex.RetryAfter is { } retryAfter)
        {
            // Flood control: this chat waits exactly what Telegram asked; the item keeps its place.
            _limiter.Pause(item.ChatId, _time.GetUtcNow() + retryAfter);
            _log.LogWarning("429 for chat {ChatId}: waiting {Seconds}s", item.ChatId, retryAfter.TotalSeconds);
        }
        catch (Exception ex) when (ex is ChatApiException { Transient: true } or HttpRequestException or TimeoutException or TaskCanceledException)
        {
            item.Attempts++;
            if (item.Attempts >= _options.MaxAttempts)
            {
                _log.LogError("Giving up {Kind} to chat {ChatId} after {Attempts} tries: {Error}", item.Kind, item.ChatId, item.Attempts, ex.Message);
                Finish(item, OutboxItem.Failed, ex.Message);
                return;
            }
            item.NextUtc = _time.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, item.Attempts - 1)));
            _items.Update(item);
            _log.LogWarning("Sending {Kind} to chat {ChatId} failed ({Error}); try {Attempt} in {Seconds}s", item.Kind, item.ChatId,
                ex.Message, item.Attempts + 1, (item.NextUtc - _time.GetUtcNow().UtcDateTime).TotalSeconds);
        }
        catch (Exception ex)
        {
            // Refused for good (bad request, bot removed from the chat…): retrying would fail the same way.
            _log.LogError("{Kind} to chat {ChatId} refused: {Error}", item.Kind, item.ChatId, ex.Message);
            Finish(item, OutboxItem.Failed, ex.Message);
        }
    }

    private void Finish(OutboxItem item, string state, string? error)
    {
        item.State = state;
        item.Error = error;
        _items.Update(item);
        lock (_lock)
        {
            _pending.Remove(item);
            if (!_pending.Any(i => i.ChatId == item.ChatId) && _idleWaiters.Remove(item.ChatId, out var waiters))
                foreach (var w in waiters) w.TrySetResult();
        }
        // Sent items are kept a day (their keys stop a repeated post), then dropped.
        if (++_sentSinceCleanup >= 500)
        {
            _sentSinceCleanup = 0;
            var cutoff = _time.GetUtcNow().UtcDateTime.AddDays(-1);
            _items.DeleteMany(i => i.State != OutboxItem.Pending && i.EnqueuedUtc < cutoff);
        }
    }
}
