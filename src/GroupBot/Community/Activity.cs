using GroupBot.Storage;

namespace GroupBot.Community;

/// <summary>One group's figures for one local day.</summary>
public sealed class DayStats
{
    public long ChatId { get; set; }
    public DateTime Day { get; set; }
    public int Messages { get; set; }
    public int Joined { get; set; }
    /// <summary>Who joined that day: Telegram reports a join twice (service message and chat_member); it counts once.</summary>
    public List<long> JoinedIds { get; set; } = [];
    public int Left { get; set; }
    public List<long> Active { get; set; } = [];
}

/// <summary>Counts messages, joins, leaves and active members per group per day, for /stats and the report.</summary>
public sealed class Activity
{
    private readonly Table<string, DayStats> _days;
    private readonly TimeProvider _time;

    public Activity(Database db, TimeProvider time)
    {
        _days = db.Table<string, DayStats>("day_stats", d => $"{d.ChatId}:{d.Day:yyyyMMdd}").Index("ChatId", d => d.ChatId);
        _time = time;
    }

    public void Message(long chatId, long userId, TimeZoneInfo zone) => Update(chatId, zone, d =>
    {
        d.Messages++;
        if (!d.Active.Contains(userId)) d.Active.Add(userId);
    });

    public void Joined(long chatId, IEnumerable<long> userIds, TimeZoneInfo zone) => Update(chatId, zone, d =>
    {
        foreach (var id in userIds.Where(id => !d.JoinedIds.Contains(id)))
        {
            d.JoinedIds.Add(id);
            d.Joined++;
        }
    });

    public void Left(long chatId, TimeZoneInfo zone) => Update(chatId, zone, d => d.Left++);

    public IReadOnlyList<DayStats> Days(long? chatId, DateTime fromDay) =>
        (chatId is { } c ? _days.Where("ChatId", c) : _days.All()).Where(d => d.Day >= fromDay).OrderBy(d => d.Day).ThenBy(d => d.ChatId).ToList();

    public DateTime Today(TimeZoneInfo zone) => DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), zone).Date, DateTimeKind.Utc);

    private void Update(long chatId, TimeZoneInfo zone, Action<DayStats> change)
    {
        var day = Today(zone);
        var stats = _days.Get($"{chatId}:{day:yyyyMMdd}") ?? new DayStats { ChatId = chatId, Day = day };
        change(stats);
        _days.Put(stats);
    }
}
