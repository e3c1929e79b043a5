using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Community;
using GroupBot.Storage;
using Microsoft.Extensions.Options;

namespace GroupBot.Commerce;

/// <summary>A member's check-in record in one group. Kept when they leave, so leaving and rejoining restarts nothing.</summary>
public sealed class CheckIn
{
    public string Key { get; set; } = "";
    public long ChatId { get; set; }
    public long UserId { get; set; }
    /// <summary>The group's local day of the last check-in, yyyy-MM-dd.</summary>
    public string LastDay { get; set; } = "";
    public int Streak { get; set; }
    public int Days { get; set; }
}

/// <summary>
/// 签到: once per local day per group, points growing with an unbroken streak. The day is the group's own (its time zone);
/// the points line is keyed by group, member and day, so a repeat (or an update handled twice) never pays twice.
/// </summary>
public sealed class CheckIns(Database db, Points points, Members members, IOptionsMonitor<CommerceOptions> options, TimeProvider time)
{
    private readonly Table<string, CheckIn> _rows = db.Table<string, CheckIn>("checkins", c => c.Key);

    public CommandSpec Spec => new("checkin", Role.Member, (ctx, _) => Task.FromResult(Run(ctx)), Scope: CommandScope.Groups);

    /// <summary>Points for the n-th day of a streak.</summary>
    public static int PointsFor(int streak, CommerceOptions o) => o.CheckInPoints + Math.Min(Math.Max(0, streak - 1) * o.StreakStep, o.StreakMaxBonus);

    public (bool Done, CheckIn Row, int Points) CheckInNow(long chatId, ChatUser user, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        var key = $"{chatId}:{user.Id}";
        var row = _rows.Get(key) ?? new CheckIn { Key = key, ChatId = chatId, UserId = user.Id };
        var day = today.ToString("yyyy-MM-dd");
        if (row.LastDay == day) return (false, row, 0);
        var yesterday = today.AddDays(-1).ToString("yyyy-MM-dd");
        row.Streak = row.LastDay == yesterday ? row.Streak + 1 : 1;
        row.LastDay = day;
        row.Days++;
        var award = PointsFor(row.Streak, options.CurrentValue);
        _rows.Put(row);
        members.Seen(user);
        points.Add(chatId, user.Id, "checkin", award, $"签到 {day}", 0, key: $"checkin:{chatId}:{user.Id}:{day}");
        return (true, row, award);
    }

    private IReadOnlyList<ChatAction> Run(CommandContext ctx)
    {
        if (ctx.From.IsBot) return [];
        var (done, row, award) = CheckInNow(ctx.ChatId, ctx.From, ctx.TimeZone);
        return ctx.Reply("checkin", new
        {
            Name = ctx.From.DisplayName, Done = done, Points = award, row.Streak, row.Days,
            Total = points.TotalPoints(ctx.From.Id, ctx.ChatId),
            Tomorrow = PointsFor(row.Streak + 1, options.CurrentValue),
        });
    }
}
