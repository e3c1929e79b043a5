using System.Globalization;
using GroupBot.Community;
using GroupBot.Outbox;
using GroupBot.Posting;
using GroupBot.Storage;

namespace GroupBot.OpsConsole;

/// <summary>A group a scheduled post was not made in, and why (kept for the delivery report).</summary>
public sealed class BroadcastSkip
{
    public string Key { get; set; } = "";
    public string ScheduleId { get; set; } = "";
    public DateTime FireUtc { get; set; }
    public long ChatId { get; set; }
    public string Reason { get; set; } = "";
}

/// <summary>
/// The delivery report of the latest scheduled broadcasts, per group: sent, waiting, failed and why (the outbox's keyed
/// items, kept a day after sending), skipped and why (recorded here when the scheduler skips a group, in the fire's unit).
/// </summary>
public sealed class Broadcasts
{
    private readonly Table<string, BroadcastSkip> _skips;
    private readonly OutboxQueue _outbox;
    private readonly Groups _groups;
    private readonly TimeProvider _time;
    private DateTime _trimmedAt;

    public Broadcasts(Database db, PostScheduler scheduler, OutboxQueue outbox, Groups groups, TimeProvider time)
    {
        (_outbox, _groups, _time) = (outbox, groups, time);
        _skips = db.Table<string, BroadcastSkip>("console_broadcast_skips", s => s.Key);
        // Raised inside the fire's unit: the skips commit with the fire.
        scheduler.Fired += fired =>
        {
            var fire = fired.Fire.UtcDateTime;
            foreach (var (chat, _, reason) in fired.Skipped)
            {
                var key = $"{fired.ScheduleId}:{fire:yyyyMMddTHHmmss}:{chat}";
                _skips.Put(new BroadcastSkip { Key = key, ScheduleId = fired.ScheduleId, FireUtc = fire, ChatId = chat, Reason = reason });
            }
            // Kept for a week: older skips go once per new fire (not per group: a fire may skip thousands).
            if (fired.Skipped.Count == 0 || fire == _trimmedAt) return;
            _trimmedAt = fire;
            foreach (var old in _skips.All().Where(s => s.FireUtc < _time.GetUtcNow().UtcDateTime.AddDays(-7)).Select(s => s.Key).ToList()) _skips.Delete(old);
        };
    }

    public sealed record Delivery(long Chat, string Group, string Status, string? Why);

    public sealed record Report(string Schedule, DateTime FireUtc, IReadOnlyList<Delivery> Groups);

    /// <summary>The latest fires first, each with every group's outcome.</summary>
    public IReadOnlyList<Report> Latest(int count = 20)
    {
        var outcomes = new List<(string Schedule, DateTime Fire, Delivery Delivery)>();
        foreach (var item in _outbox.Items())
        {
            // post:<schedule>:<fire yyyyMMddTHHmmss>:<chat>, the scheduler's key for one group's post of one fire.
            if (item.Key?.Split(':') is not ["post", var schedule, var fire, _]
                || !DateTime.TryParseExact(fire, "yyyyMMddTHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
                continue;
            var status = item.State == OutboxItem.Pending ? (item.Attempts > 0 ? "retrying" : "waiting") : item.State;
            outcomes.Add((schedule, at, new Delivery(item.ChatId, TitleOf(item.ChatId), status, item.Error)));
        }
        foreach (var skip in _skips.All())
            outcomes.Add((skip.ScheduleId, skip.FireUtc, new Delivery(skip.ChatId, TitleOf(skip.ChatId), "skipped", skip.Reason)));
        return outcomes.GroupBy(o => (o.Schedule, o.Fire)).OrderByDescending(g => g.Key.Fire).Take(count)
            .Select(g => new Report(g.Key.Schedule, g.Key.Fire, g.Select(o => o.Delivery).OrderBy(d => d.Group, StringComparer.Ordinal).ToList()))
            .ToList();
    }

    private string TitleOf(long chat) => _groups.Find(chat)?.Title ?? chat.ToString(CultureInfo.InvariantCulture);
}
