using GroupBot.Chat;
using GroupBot.Chat.Local;
using GroupBot.Community;
using GroupBot.Hosting;
using GroupBot.Outbox;
using GroupBot.Posting;
using GroupBot.Storage;
using GroupBot.Templates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Operations;

/// <summary>"Operations" section: when operators hear from the bot, and how often at most.</summary>
public sealed class OperationsOptions
{
    public const string Section = "Operations";

    /// <summary>The same alert (kind and subject) at most once in this many minutes; repeats meanwhile are counted into the next.</summary>
    public int AlertEveryMinutes { get; set; } = 30;

    /// <summary>Alerts an operator gets in an hour at most, of every kind together.</summary>
    public int MaxAlertsPerHour { get; set; } = 20;

    /// <summary>Messages waiting in the outbox past which operators are told (and /healthz says degraded).</summary>
    public int BacklogAlert { get; set; } = 2000;

    /// <summary>Share of sends that failed over the last 15 minutes past which operators are told (with at least 20 sends).</summary>
    public double FailureRateAlert { get; set; } = 0.2;

    /// <summary>A broadcast's summary is sent when its last post is done with, or this many minutes after the fire at the latest.</summary>
    public int BroadcastSummaryMinutes { get; set; } = 30;
}

/// <summary>
/// Tells the operators (Bot:Operators, by private message; in the local chat, the log) what needs a person: an edit of a
/// config file or template that did not load, each scheduled broadcast's outcome, a group the bot is no longer in, and an
/// outbox that backs up or fails too often. Throttled per alert and per hour, so a bad day is a few messages, not a flood.
/// </summary>
public sealed class OperatorAlerts(
    OutboxQueue outbox, IChatAdapter adapter, TemplateStore templates, ConfigReloader reloader, PostScheduler scheduler, Groups groups,
    Database db, BotMetrics metrics, IOptionsMonitor<BotOptions> bot, IOptionsMonitor<OperationsOptions> options, TimeProvider time,
    ILogger<OperatorAlerts> log) : BackgroundService
{
    /// <summary>How often the backlog, the failure rate, late broadcast summaries and the templates on disk are checked.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(15);
    public const int FailureMinSends = 20;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateTimeOffset At, int Suppressed)> _last = [];
    private readonly Queue<DateTimeOffset> _sentThisHour = new();
    private readonly Dictionary<string, Broadcast> _broadcasts = [];
    private readonly Dictionary<string, Broadcast> _byKey = [];
    // Posts done with before their broadcast was registered (or of a broadcast from before a restart), briefly.
    private readonly Dictionary<string, (OutboxItem Item, DateTimeOffset At)> _early = [];

    public override Task StartAsync(CancellationToken ct)
    {
        reloader.Rejected += (path, error) => Raise("config", path, new { Path = path, Error = error });
        templates.EditRejected += (path, error) => Raise("config", path, new { Path = path, Error = error });
        // Groups only: a person who blocked the bot in a private chat is not news for the operators.
        groups.Deactivated += g =>
        {
            if (g.ChatId < 0) Raise("removed", g.ChatId.ToString(), new { Group = g.Title, g.ChatId });
        };
        scheduler.Fired += OnFired;
        outbox.Finished += OnFinished;
        return base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(CheckEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) CheckNow();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The periodic checks: backlog, failure rate, broadcasts past their summary time. The timer calls this; tests may too.</summary>
    public void CheckNow()
    {
        var o = options.CurrentValue;
        // A broken template is found within minutes of the edit, not only when a reply first needs it (parsed again only
        // when a file changed).
        if (TemplatesStamp() is var stamp && stamp != _templatesStamp)
        {
            _templatesStamp = stamp;
            foreach (var broken in templates.CheckAll().GroupBy(e => e.Path))
                Raise("config", broken.Key, new { Path = broken.Key, Error = string.Join("\n", broken.Select(e => e.ToString()).Take(3)) });
        }
        var pending = outbox.PendingCount;
        if (pending > o.BacklogAlert) Raise("backlog", "", new { Pending = pending, Limit = o.BacklogAlert });
        var failed = metrics.FailedIn(FailureWindow);
        var sent = metrics.SentIn(FailureWindow);
        if (failed + sent >= FailureMinSends && failed > (failed + sent) * o.FailureRateAlert)
            Raise("failures", "", new { Failed = failed, Sent = sent, Percent = (int)Math.Round(100.0 * failed / (failed + sent)), Minutes = (int)FailureWindow.TotalMinutes });
        List<Broadcast> late;
        var cutoff = time.GetUtcNow() - TimeSpan.FromMinutes(o.BroadcastSummaryMinutes);
        lock (_lock)
        {
            late = _broadcasts.Values.Where(b => b.Fired < cutoff).ToList();
            foreach (var key in _early.Where(e => e.Value.At < time.GetUtcNow() - TimeSpan.FromHours(1)).Select(e => e.Key).ToList()) _early.Remove(key);
        }
        foreach (var b in late) Summarize(b);
    }

    private (DateTime, int) _templatesStamp;

    private (DateTime Newest, int Count) TemplatesStamp()
    {
        if (!Directory.Exists(templates.Root)) return default;
        var files = Directory.GetFiles(templates.Root, "*.sbn", SearchOption.AllDirectories);
        return (files.Select(File.GetLastWriteTimeUtc).DefaultIfEmpty().Max(), files.Length);
    }

    /// <summary>Raised inside the fire's unit: the broadcast is followed once its posts are durable, like the sender's.</summary>
    private void OnFired(BroadcastFired fired)
    {
        if (Unit.Current is { } unit) unit.AfterCommit(() => Follow(fired));
        else Follow(fired);
    }

    private void Follow(BroadcastFired fired)
    {
        var b = new Broadcast(fired, time.GetUtcNow());
        lock (_lock)
        {
            foreach (var (chatId, key) in fired.Posted)
            {
                // The sender may be done with a post before this runs (both follow the same commit).
                if (_early.Remove(key, out var early))
                {
                    Count(b, early.Item, chatId);
                    continue;
                }
                b.Waiting.Add(key);
                _byKey[key] = b;
            }
            if (b.Waiting.Count > 0)
            {
                _broadcasts[b.Id] = b;
                return;
            }
        }
        Summarize(b);
    }

    private void OnFinished(OutboxItem item)
    {
        if (item.Key is not { } key || !key.StartsWith("post:", StringComparison.Ordinal)) return;
        Broadcast? done = null;
        lock (_lock)
        {
            if (!_byKey.Remove(key, out var b))
            {
                _early[key] = (item, time.GetUtcNow());
                return;
            }
            b.Waiting.Remove(key);
            Count(b, item, item.ChatId);
            if (b.Waiting.Count == 0) done = b;
        }
        if (done is not null) Summarize(done);
    }

    private void Count(Broadcast b, OutboxItem item, long chatId)
    {
        if (item.State == OutboxItem.Failed) b.Failed.Add((chatId, groups.Find(chatId)?.Title ?? "", item.Error ?? ""));
        else b.Sent++;
    }

    private void Summarize(Broadcast b)
    {
        lock (_lock)
        {
            _broadcasts.Remove(b.Id);
            foreach (var key in b.Waiting) _byKey.Remove(key);
        }
        var f = b.Event;
        // By reason, a few group names each: a broadcast to 10,000 groups still makes one short message.
        Raise("broadcast", b.Id, new
        {
            Schedule = f.ScheduleId,
            Fire = f.Fire.UtcDateTime.ToString("yyyy-MM-dd HH:mm") + " UTC",
            Posted = b.Sent,
            StillSending = b.Waiting.Count,
            SkippedCount = f.Skipped.Count,
            FailedCount = b.Failed.Count,
            Skipped = f.Skipped.GroupBy(s => s.Reason).Select(g => new { Reason = g.Key, Count = g.Count(), Groups = Names(g.Select(s => s.Title)) }).ToList(),
            Failed = b.Failed.GroupBy(x => x.Error).Select(g => new { Error = TelegramText.Quote(g.Key, 120), Count = g.Count(), Groups = Names(g.Select(x => x.Title)) }).ToList(),
        }, throttle: false);
    }

    /// <summary>
    /// One alert: logged as a warning, and sent to every operator by private message unless the same kind and subject was
    /// sent within Operations:AlertEveryMinutes or the hour's budget is spent (then counted into the next one).
    /// </summary>
    public void Raise(string kind, string subject, object model, bool throttle = true)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow();
        var id = kind + ":" + subject;
        int suppressed;
        lock (_lock)
        {
            _last.TryGetValue(id, out var last);
            while (_sentThisHour.TryPeek(out var t) && now - t >= TimeSpan.FromHours(1)) _sentThisHour.Dequeue();
            var tooSoon = throttle && last.At != default && now - last.At < TimeSpan.FromMinutes(o.AlertEveryMinutes);
            if (tooSoon || _sentThisHour.Count >= o.MaxAlertsPerHour)
            {
                _last[id] = (last.At, last.Suppressed + 1);
                log.LogInformation("Operator alert {Kind} {Subject} held back (throttled)", kind, subject);
                return;
            }
            suppressed = last.Suppressed;
            _last[id] = (now, 0);
            _sentThisHour.Enqueue(now);
            if (_last.Count > 10_000) _last.Clear();
        }
        var language = bot.CurrentValue.Language;
        var text = templates.Render("operator_alert", language, new { Kind = kind, Model = model, Suppressed = suppressed });
        log.LogWarning("Operator alert {Kind}: {Text}", kind, text);
        var operators = bot.CurrentValue.Operators;
        if (adapter is LocalChatAdapter || operators.Length == 0) return;
        var actions = operators.Select(op => (ChatAction)new SendText(op, text)).ToList();
        if (Unit.Current is not null)
        {
            outbox.Enqueue(actions);
            return;
        }
        // Not waited for: an alert raised after a commit must not hold up the chat it came from.
        using var unit = db.Begin();
        outbox.Enqueue(actions);
        _ = unit.CommitAsync().ContinueWith(t => log.LogError(t.Exception, "Queueing an operator alert failed"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private static List<string> Names(IEnumerable<string> titles) => titles.Take(5).Select(t => TelegramText.Quote(t, 32)).ToList();

    private sealed class Broadcast(BroadcastFired fired, DateTimeOffset at)
    {
        public string Id { get; } = fired.ScheduleId + "@" + fired.Fire.UtcDateTime.ToString("O");
        public BroadcastFired Event { get; } = fired;
        public DateTimeOffset Fired { get; } = at;
        public HashSet<string> Waiting { get; } = [];
        public List<(long ChatId, string Title, string Error)> Failed { get; } = [];
        public int Sent { get; set; }
    }
}
