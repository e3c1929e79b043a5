using GroupBot.Storage;
using Microsoft.Extensions.Options;

namespace GroupBot.Community;

public static class PointKind
{
    public const string Award = "award";
    public const string Game = "game";
    public const string Welcome = "welcome";
    public const string Recruit = "recruit";
    public const string Sale = "sale";
}

/// <summary>One line of the points and sales ledger. Key makes automatic entries (game wins, gifts) happen once.</summary>
public sealed class PointEntry
{
    public string Key { get; set; } = "";
    public long ChatId { get; set; }
    public long UserId { get; set; }
    public string Kind { get; set; } = "";
    public long Points { get; set; }
    /// <summary>Sales entries: the amount sold, in fen.</summary>
    public long SalesFen { get; set; }
    public string Note { get; set; } = "";
    public long By { get; set; }
    public DateTime Utc { get; set; }
}

public sealed record Standing(long UserId, long Points, long SalesFen, int Recruits);

/// <summary>The points and sales ledger, levels with automatic promotion, and the leaderboard.</summary>
public sealed class Points
{
    private readonly Table<string, PointEntry> _entries;
    private readonly Members _members;
    private readonly IOptionsMonitor<CommunityOptions> _options;
    private readonly TimeProvider _time;

    public Points(Database db, Members members, IOptionsMonitor<CommunityOptions> options, TimeProvider time)
    {
        _entries = db.Table<string, PointEntry>("points", e => e.Key).Index("UserId", e => e.UserId);
        (_members, _options, _time) = (members, options, time);
    }

    /// <summary>Records points (or a sale); false when an entry with this key exists (a repeat). Promotes when a threshold is passed.</summary>
    public bool Add(long chatId, long userId, string kind, long points, string note, long by, string? key = null, long salesFen = 0)
    {
        key ??= Guid.NewGuid().ToString("N");
        if (_entries.Exists(key)) return false;
        _entries.Put(new PointEntry
        {
            Key = key, ChatId = chatId, UserId = userId, Kind = kind, Points = points, SalesFen = salesFen, Note = note, By = by,
            Utc = _time.GetUtcNow().UtcDateTime,
        });
        Promote(userId);
        return true;
    }

    /// <summary>A member's ledger lines, oldest first (corrections are lines of their own; nothing is deleted).</summary>
    public IReadOnlyList<PointEntry> EntriesOf(long userId) => _entries.Where("UserId", userId).OrderBy(e => e.Utc).ToList();

    public long TotalPoints(long userId) => _entries.Where("UserId", userId).Sum(e => e.Points);

    public long TotalSales(long userId) => _entries.Where("UserId", userId).Sum(e => e.SalesFen);

    /// <summary>Standings since a time (null: all time), in some chats (null: all), best first by the given measure.</summary>
    public IReadOnlyList<Standing> Board(DateTime? sinceUtc, IReadOnlySet<long>? chats, string by)
    {
        var entries = _entries.All().Where(e => (sinceUtc is null || e.Utc >= sinceUtc) && (chats is null || chats.Contains(e.ChatId)));
        var rows = entries.GroupBy(e => e.UserId)
            .Select(g => new Standing(g.Key, g.Sum(e => e.Points), g.Sum(e => e.SalesFen), g.Count(e => e.Kind == PointKind.Recruit)))
            // Only people with something to rank by this measure: no "🥇 @bob ¥0.00" on a sales board.
            .Where(s => by switch { "sales" => s.SalesFen > 0, "recruits" => s.Recruits > 0, _ => s.Points > 0 });
        return (by switch
        {
            "sales" => rows.OrderByDescending(s => s.SalesFen),
            "recruits" => rows.OrderByDescending(s => s.Recruits),
            _ => rows.OrderByDescending(s => s.Points),
        }).ThenBy(s => s.UserId).ToList();
    }

    /// <summary>Monday 00:00 of this week, and the 1st of this month, in the zone, as UTC.</summary>
    public static (DateTime Week, DateTime Month) PeriodStarts(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime.Date;
        var monday = local.AddDays(-(((int)local.DayOfWeek + 6) % 7));
        var first = new DateTime(local.Year, local.Month, 1);
        return (TimeZoneInfo.ConvertTimeToUtc(monday, zone), TimeZoneInfo.ConvertTimeToUtc(first, zone));
    }

    /// <summary>
    /// After a correction (a negative sale or award): the level follows what the totals now earn, up or down, unless an
    /// admin set it with /level (an admin's level is never lowered automatically).
    /// </summary>
    public void Relevel(long userId)
    {
        var member = _members.Find(userId);
        if (member is null || member.LevelSetByAdmin) { Promote(userId); return; }
        var levels = _options.CurrentValue.EffectiveLevels;
        var points = TotalPoints(userId);
        var sales = TotalSales(userId) / 100m;
        var earned = levels.LastOrDefault(l => (l.MinPoints is { } p && points >= p) || (l.MinSales is { } s && sales >= s)) ?? levels[0];
        if (member.Level == earned.Name || (member.Level is null && earned == levels[0])) return;
        member.Level = earned.Name;
        _members.Save(member);
    }

    /// <summary>The level earned by points or sales; an admin's /level is a floor automatic promotion never lowers.</summary>
    public void Promote(long userId)
    {
        var member = _members.Find(userId);
        if (member is null) return;
        var levels = _options.CurrentValue.EffectiveLevels;
        var points = TotalPoints(userId);
        var sales = TotalSales(userId) / 100m;
        var earned = levels.LastOrDefault(l => (l.MinPoints is { } p && points >= p) || (l.MinSales is { } s && sales >= s));
        if (earned is null) return;
        var current = levels.ToList().FindIndex(l => l.Name == member.Level);
        if (levels.ToList().IndexOf(earned) <= current) return;
        member.Level = earned.Name;
        _members.Save(member);
    }
}
