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
}

/// <summary>A schedule's rotation in one group: the products posted there in the current round.</summary>
public sealed class RotationState
{
    /// <summary>"schedule id / chat id".</summary>
    public string Id { get; set; } = "";
    /// <summary>A product comes again only when all have been posted here; a skipped post uses none.</summary>
    public List<string> Used { get; set; } = [];

    public static string Key(string scheduleId, long chatId) => $"{scheduleId}/{chatId}";
}

/// <summary>One fire of a schedule: the posts queued (chat, outbox key) and the groups skipped (reason: an anti-flood code or template_error).</summary>
public sealed record BroadcastFired(string ScheduleId, DateTimeOffset Fire, IReadOnlyList<(long ChatId, string Key)> Posted,
    IReadOnlyList<(long ChatId, string Title, string Reason)> Skipped);

public sealed class PostLog
{
    public long Id { get; set; }
    public long ChatId { get; set; }
    public string ScheduleId { get; set; } = "";
    public DateTime Utc { get; set; }
}

/// <summary>
/// Fires schedules on their cron (Quartz's cron parser) with TimeProvider timers, so fake time can drive them in tests.
/// A schedule without a timeZone fires at each group's own local time (10:00 in Shanghai for a Shanghai group, 10:00 in
/// London for a London group); one with a timeZone fires at that zone's time in every group. Each fire, for every active
/// group with the schedule's tags whose local fire it is, checks the anti-flood rules, picks the group's next product
/// and puts the post in the outbox under the key (schedule, fire time, group): a restart can never post it twice.
/// The rotation is per group and moves on only when a post went out. At start a fire missed while the bot was down is
/// posted once if still within the schedule's catch-up window.
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
    private readonly Table<string, RotationState> _rotation;
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
        _rotation = db.Table<string, RotationState>("schedule_rotation", r => r.Id);
    }

    /// <summary>
    /// A fire's posts are queued: which groups got one (with its outbox key), which were skipped and why. Raised inside the
    /// fire's unit, so what a subscriber writes commits with the fire (the console's delivery report); work that must wait
    /// until the posts are durable registers itself with <see cref="Unit.AfterCommit"/>.
    /// </summary>
    public event Action<BroadcastFired>? Fired;

    private TimeZoneInfo DefaultZone => TimeZoneInfo.FindSystemTimeZoneById(_bot.CurrentValue.TimeZone);

    public async Task StartAsync(CancellationToken ct)
    {
        WarnNeverPosting();
        await CatchUp();
        ArmAll();
        _schedules.Changed += ArmAll;
    }

    /// <summary>The zone a schedule's time is read in for a group: the schedule's own, else the group's.</summary>
    public TimeZoneInfo ZoneFor(Schedule schedule, Group group) => schedule.Zone ?? _groups.TimeZoneOf(group);

    private IEnumerable<Group> Targets(Schedule schedule) => _groups.Active().Where(g => g.ChatId < 0 && _groups.Matches(g, schedule.Tags));

    /// <summary>Every zone the schedule fires in: its own, or those of the groups it targets (and the default).</summary>
    private IEnumerable<TimeZoneInfo> Zones(Schedule schedule) => schedule.Zone is { } zone ? [zone]
        : Targets(schedule).Select(_groups.TimeZoneOf).Append(DefaultZone).DistinctBy(z => z.Id);

    /// <summary>The next fire of a schedule after <paramref name="after"/> in any zone it fires in.</summary>
    private DateTimeOffset? NextAny(Schedule schedule, DateTimeOffset after) =>
        Zones(schedule).Select(z => schedule.NextAfter(after, z)).Where(t => t is not null).Min();

    /// <summary>The next fire of a schedule in a group after now, for /schedules.</summary>
    public DateTimeOffset? NextFire(Schedule schedule, Group group) => schedule.NextAfter(_time.GetUtcNow(), ZoneFor(schedule, group));

    /// <summary>When scheduled posts went to this group (what the daily cap and the minimum gap count).</summary>
    public IReadOnlyList<DateTime> PostTimes(long chatId) => _postLog.Where("ChatId", chatId).Select(p => p.Utc).ToList();

    /// <summary>Whether a schedule can never post in a group: every fire falls in the group's quiet hours.</summary>
    public bool NeverPosts(Schedule schedule, Group group) =>
        PostReach.NeverPosts(schedule, ZoneFor(schedule, group), _groups.TimeZoneOf(group), _posting.CurrentValue, _time.GetUtcNow());

    /// <summary>At start: a warning for each schedule that can never post in a group it targets.</summary>
    public void WarnNeverPosting()
    {
        foreach (var schedule in _schedules.All)
        foreach (var group in Targets(schedule).Where(g => NeverPosts(schedule, g)))
            _log.LogWarning("Schedule {Schedule} can never post in {ChatId} {Title}: its time falls in the group's quiet hours ({Quiet}, {Zone})",
                schedule.Id, group.ChatId, group.Title, _posting.CurrentValue.QuietHours, _groups.TimeZoneOf(group).Id);
    }

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
            // In each zone the schedule fires in, the latest fire missed since the last one handled.
            var since = new DateTimeOffset(DateTime.SpecifyKind(state.LastFireUtc, DateTimeKind.Utc));
            var missed = new SortedSet<DateTimeOffset>();
            foreach (var zone in Zones(schedule))
            {
                DateTimeOffset? latest = null;
                for (var t = schedule.NextAfter(since, zone); t is { } fire && fire <= now; t = schedule.NextAfter(fire, zone)) latest = fire;
                if (latest is { } l) missed.Add(l);
            }
            foreach (var last in missed)
            {
                if (now - last <= schedule.CatchUpWindow)
                {
                    _log.LogInformation("Schedule {Schedule}: posting the fire of {Fire:u} missed while the bot was down", schedule.Id, last);
                    await Fire(schedule, last, now);
                }
                else
                {
                    _log.LogWarning("Schedule {Schedule}: the fire of {Fire:u} was missed while the bot was down and is past its catch-up window; skipped", schedule.Id, last);
                    var current = _state.Get(schedule.Id)!;
                    if (last.UtcDateTime > current.LastFireUtc) current.LastFireUtc = last.UtcDateTime;
                    _db.Write(() => _state.Put(current));
                }
            }
        }
    }

    private void ArmAll()
    {
        foreach (var id in _timers.Keys) Disarm(id);
        foreach (var schedule in _schedules.All) Arm(schedule);
    }

    /// <param name="after">the fire just handled (the next is counted from it, so a fire in another zone is never skipped), or now</param>
    private void Arm(Schedule schedule, DateTimeOffset? after = null)
    {
        var now = _time.GetUtcNow();
        if (NextAny(schedule, after ?? now) is not { } next) return;
        var due = next > now ? next - now : TimeSpan.Zero;
        _timers[schedule.Id] = _time.CreateDetachedTimer(_ => _ = OnTimer(schedule.Id, next), null, due, Timeout.InfiniteTimeSpan);
    }

    private void Disarm(string id)
    {
        if (_timers.TryRemove(id, out var timer)) timer.Dispose();
    }

    private Task OnTimer(string id, DateTimeOffset fire)
    {
        // The fire itself is an event: it runs as one unit through the pipeline, like everything that writes.
        _sink.Post(new ScheduleDue(id, fire));
        if (_schedules.Find(id) is { } schedule) Arm(schedule, fire);
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
            var queued = 0;
            var posted = new List<(long ChatId, string Key)>();
            var skipped = new List<(long ChatId, string Title, string Reason)>();
            // The groups whose local fire this is (a schedule without a zone fires at each group's own local time).
            foreach (var group in Targets(schedule).Where(g => schedule.NextAfter(fire.AddSeconds(-1), ZoneFor(schedule, g)) == fire))
            {
                var key = $"post:{schedule.Id}:{fire.UtcDateTime:yyyyMMddTHHmmss}:{group.ChatId}";
                if (_outbox.Contains(key)) continue; // posted before a restart
                var earlier = _postLog.Where("ChatId", group.ChatId).Select(p => p.Utc).ToList();
                if (AntiFlood.Refusal(_posting.CurrentValue, group.PostsPaused, sendAt, _groups.TimeZoneOf(group), earlier) is { } reason)
                {
                    _log.LogInformation("Schedule {Schedule}: not posting in {ChatId} ({Reason})", schedule.Id, group.ChatId, reason);
                    skipped.Add((group.ChatId, group.Title, reason));
                    continue;
                }
                var rotation = _rotation.Get(RotationState.Key(schedule.Id, group.ChatId)) is { } r
                    ? new RotationState { Id = r.Id, Used = [.. r.Used] }
                    : new RotationState { Id = RotationState.Key(schedule.Id, group.ChatId) };
                var product = PickProduct(schedule, rotation.Used);
                // A template that does not render posts nothing (its error is logged), rather than an error into the group.
                if (_renderer.Render(schedule.Template, product, group) is not { } text)
                {
                    skipped.Add((group.ChatId, group.Title, "template_error"));
                    continue;
                }
                if (_outbox.Enqueue([PostRenderer.Action(group.ChatId, text, product)], _ => key) == 0) continue;
                _postLog.Insert(new PostLog { ChatId = group.ChatId, ScheduleId = schedule.Id, Utc = sendAt.UtcDateTime });
                // A product is used in a group only once it was posted there.
                if (product is not null && schedule.Rotates)
                {
                    rotation.Used.Add(product.Id);
                    _rotation.Put(rotation);
                }
                queued++;
                posted.Add((group.ChatId, key));
            }
            if (fire.UtcDateTime > state.LastFireUtc) state.LastFireUtc = fire.UtcDateTime;
            _state.Put(state);
            if (posted.Count + skipped.Count > 0) Fired?.Invoke(new BroadcastFired(schedule.Id, fire, posted, skipped));
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
    /// <param name="used">the products posted in this round (cleared when a new round starts)</param>
    public Product? PickProduct(Schedule schedule, List<string> used)
    {
        if (schedule.Products is null) return null;
        if (!schedule.Rotates) return _catalog.Find(schedule.Products[0]);
        var pool = schedule.Products is ["*"] ? _catalog.Products : schedule.Products.Select(_catalog.Find).OfType<Product>().ToList();
        if (pool.Count == 0) return null;
        var next = pool.FirstOrDefault(p => !used.Contains(p.Id));
        if (next is null)
        {
            used.Clear();
            next = pool[0];
        }
        return next;
    }

    /// <summary>The product a manual /post of this schedule shows in a group: its rotation's next, without advancing it.</summary>
    public Product? PeekProduct(Schedule schedule, long chatId) =>
        PickProduct(schedule, _rotation.Get(RotationState.Key(schedule.Id, chatId)) is { } r ? [.. r.Used] : []);

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
