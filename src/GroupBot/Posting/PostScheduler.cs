using System.Collections.Concurrent;
using GroupBot.Community;
using GroupBot.Hosting;
using GroupBot.Chat;
using GroupBot.Outbox;
using GroupBot.Pipeline;
using GroupBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Posting;

public sealed class ScheduleState
{
    public string Id { get; set; } = "";
    /// <summary>The last fire time handled (posted, or skipped as too old): missed fires are counted from here.</summary>
    public DateTime LastFireUtc { get; set; }
    /// <summary>Rotation: products posted in the current round; a product comes again only when all have had their turn.</summary>
    public List<string> Used { get; set; } = [];
}

public sealed class PostLog
{
    public long Id { get; set; }
    public long ChatId { get; set; }
    public string ScheduleId { get; set; } = "";
    public DateTime Utc { get; set; }
}

/// <summary>
/// Fires schedules on their cron (Quartz's cron parser) with TimeProvider timers, so fake time can drive them in tests.
/// Each fire picks the product, then for every active group with the schedule's tags checks the anti-flood rules and
/// puts the post in the outbox under the key (schedule, fire time, group): a restart can never post it twice.
/// At start a fire missed while the bot was down is posted once if still within the schedule's catch-up window.
/// </summary>
public sealed class PostScheduler : IHostedService, IDisposable
{
    private readonly Schedules _schedules;
    private readonly Catalog _catalog;
    private readonly PostRenderer _renderer;
    private readonly Groups _groups;
    private readonly OutboxQueue _outbox;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<PostingOptions> _posting;
    private readonly IOptionsMonitor<BotOptions> _bot;
    private readonly ILogger<PostScheduler> _log;
    private readonly Database _db;
    private readonly EventSink _sink;
    private readonly Table<string, ScheduleState> _state;
    private readonly Table<long, PostLog> _postLog;
    private readonly ConcurrentDictionary<string, ITimer> _timers = new();
    private readonly SemaphoreSlim _firing = new(1, 1);

    public PostScheduler(Schedules schedules, Catalog catalog, PostRenderer renderer, Groups groups, OutboxQueue outbox, Database db,
        EventSink sink, TimeProvider time, IOptionsMonitor<PostingOptions> posting, IOptionsMonitor<BotOptions> bot, ILogger<PostScheduler> log)
    {
        (_schedules, _catalog, _renderer, _groups, _outbox, _time, _posting, _bot, _log) = (schedules, catalog, renderer, groups, outbox, time, posting, bot, log);
        _db = db;
        _sink = sink;
        _state = db.Table<string, ScheduleState>("schedule_state", s => s.Id);
        _postLog = db.Table<long, PostLog>("post_log", p => p.Id, (p, id) => p.Id = id).Index("ChatId", p => p.ChatId);
    }

    private TimeZoneInfo DefaultZone => TimeZoneInfo.FindSystemTimeZoneById(_bot.CurrentValue.TimeZone);

    public async Task StartAsync(CancellationToken ct)
    {
        await CatchUp();
        ArmAll();
        _schedules.Changed += ArmAll;
    }

    /// <summary>The next fire of a schedule after now, for /schedules.</summary>
    public DateTimeOffset? NextFire(Schedule schedule) => schedule.NextAfter(_time.GetUtcNow(), DefaultZone);

    /// <summary>For each schedule, the latest fire missed while the bot was down: posted if recent enough, else skipped and logged.</summary>
    private async Task CatchUp()
    {
        var now = _time.GetUtcNow();
        foreach (var schedule in _schedules.All)
        {
            var state = _state.Get(schedule.Id);
            if (state is null)
            {
                _db.Write(() => _state.Put(new ScheduleState { Id = schedule.Id, LastFireUtc = now.UtcDateTime }));
                continue;
            }
            DateTimeOffset? missed = null;
            for (var t = schedule.NextAfter(new DateTimeOffset(DateTime.SpecifyKind(state.LastFireUtc, DateTimeKind.Utc)), DefaultZone);
                 t is { } fire && fire <= now; t = schedule.NextAfter(fire, DefaultZone))
                missed = fire;
            if (missed is not { } last) continue;
            if (now - last <= schedule.CatchUpWindow)
            {
                _log.LogInformation("Schedule {Schedule}: posting the fire of {Fire:u} missed while the bot was down", schedule.Id, last);
                await Fire(schedule, last, now);
            }
            else
            {
                _log.LogWarning("Schedule {Schedule}: the fire of {Fire:u} was missed while the bot was down and is past its catch-up window; skipped", schedule.Id, last);
                state.LastFireUtc = last.UtcDateTime;
                _db.Write(() => _state.Put(state));
            }
        }
    }

    private void ArmAll()
    {
        foreach (var id in _timers.Keys) Disarm(id);
        foreach (var schedule in _schedules.All) Arm(schedule);
    }

    private void Arm(Schedule schedule)
    {
        var now = _time.GetUtcNow();
        if (schedule.NextAfter(now, DefaultZone) is not { } next) return;
        _timers[schedule.Id] = _time.CreateTimer(_ => _ = OnTimer(schedule.Id, next), null, next - now, Timeout.InfiniteTimeSpan);
    }

    private void Disarm(string id)
    {
        if (_timers.TryRemove(id, out var timer)) timer.Dispose();
    }

    private Task OnTimer(string id, DateTimeOffset fire)
    {
        // The fire itself is an event: it runs as one unit through the pipeline, like everything that writes.
        _sink.Post(new ScheduleDue(id, fire));
        if (_schedules.Find(id) is { } schedule) Arm(schedule);
        return Task.CompletedTask;
    }

    /// <summary>A fire that came through the pipeline (in its unit).</summary>
    public Task Due(ScheduleDue due) => _schedules.Find(due.ScheduleId) is { } schedule ? Fire(schedule, due.Fire) : Task.CompletedTask;

    /// <summary>Posts one fire of a schedule to every group it targets. Returns the number of posts queued.</summary>
    /// <param name="at">when the post goes out, for the anti-flood rules: the fire time itself, or now for a catch-up</param>
    public async Task<int> Fire(Schedule schedule, DateTimeOffset fire, DateTimeOffset? at = null)
    {
        var sendAt = at ?? fire;
        await _firing.WaitAsync();
        // In the event's unit when it came through the pipeline; a unit of its own when called directly (start-up catch-up).
        using var own = Unit.Current is null ? _db.Begin() : null;
        try
        {
            var state = _state.Get(schedule.Id) ?? new ScheduleState { Id = schedule.Id };
            var product = PickProduct(schedule, state);
            var queued = 0;
            foreach (var group in _groups.Active().Where(g => g.ChatId < 0 && _groups.Matches(g, schedule.Tags)))
            {
                var key = $"post:{schedule.Id}:{fire.UtcDateTime:yyyyMMddTHHmmss}:{group.ChatId}";
                if (_outbox.Contains(key)) continue; // posted before a restart
                var earlier = _postLog.Where("ChatId", group.ChatId).Select(p => p.Utc).ToList();
                if (AntiFlood.Refusal(_posting.CurrentValue, group.PostsPaused, sendAt, _groups.TimeZoneOf(group), earlier) is { } reason)
                {
                    _log.LogInformation("Schedule {Schedule}: not posting in {ChatId} ({Reason})", schedule.Id, group.ChatId, reason);
                    continue;
                }
                // A template that does not render posts nothing (its error is logged), rather than an error into the group.
                if (_renderer.Render(schedule.Template, product, group) is not { } text) continue;
                if (_outbox.Enqueue([PostRenderer.Action(group.ChatId, text, product)], _ => key) == 0) continue;
                _postLog.Insert(new PostLog { ChatId = group.ChatId, ScheduleId = schedule.Id, Utc = sendAt.UtcDateTime });
                queued++;
            }
            if (product is not null && schedule.Rotates) state.Used.Add(product.Id);
            state.LastFireUtc = fire.UtcDateTime;
            _state.Put(state);
            // The posts, the post log (what anti-flood counts) and the rotation commit together.
            if (own is not null) await own.CommitAsync();
            _log.LogInformation("Schedule {Schedule} fired for {Fire:u}: {Posts} posts queued", schedule.Id, fire, queued);
            return queued;
        }
        finally
        {
            _firing.Release();
        }
    }

    /// <summary>Round-robin without repeats until every product has had its turn; or the fixed product; or none.</summary>
    public Product? PickProduct(Schedule schedule, ScheduleState state)
    {
        if (schedule.Products is null) return null;
        if (!schedule.Rotates) return _catalog.Find(schedule.Products[0]);
        var pool = schedule.Products is ["*"] ? _catalog.Products : schedule.Products.Select(_catalog.Find).OfType<Product>().ToList();
        if (pool.Count == 0) return null;
        var next = pool.FirstOrDefault(p => !state.Used.Contains(p.Id));
        if (next is null)
        {
            state.Used.Clear();
            next = pool[0];
        }
        return next;
    }

    /// <summary>The product a manual /post of this schedule shows: the rotation's next, without advancing it.</summary>
    public Product? PeekProduct(Schedule schedule) =>
        PickProduct(schedule, _state.Get(schedule.Id) is { } s ? new ScheduleState { Used = [.. s.Used] } : new ScheduleState());

    public Task StopAsync(CancellationToken ct)
    {
        _schedules.Changed -= ArmAll;
        foreach (var id in _timers.Keys) Disarm(id);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var id in _timers.Keys) Disarm(id);
    }
}
