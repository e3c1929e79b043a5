using GroupBot.Games;

namespace GroupBot.Community;

/// <summary>One group's figures over the last days: membership, activity, games, conversion and top distributors.</summary>
public sealed record StatsReport(int Days, int Joined, int Left, int ActiveMembers, int Messages, int Games, int Players,
    int GroupBuyPlayers, string Conversion, IReadOnlyList<StatsReport.TopRow> Top)
{
    public sealed record TopRow(string Name, long Points, string Sales);

    public static StatsReport For(long chatId, int days, Activity activity, GameStore games, Points points, Members members,
        TimeZoneInfo zone, DateTimeOffset now, IReadOnlyList<Standing>? top5 = null)
    {
        var from = activity.Today(zone).AddDays(-(days - 1));
        var stats = activity.Days(chatId, from);
        var active = stats.SelectMany(d => d.Active).Distinct().Count();
        var fromUtc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(from, DateTimeKind.Unspecified), zone);
        var recent = games.Since(chatId, fromUtc);
        var buyers = recent.Where(g => g.Kind == "groupbuy").SelectMany(g => g.Players.Select(p => p.UserId)).Distinct().Count();
        // Conversion: of the members active in the period (who saw the group), how many joined a group buy.
        var conversion = active == 0 ? "—" : $"{100.0 * buyers / active:0.#}%";
        var top = (top5 ?? points.Top(5, fromUtc, new HashSet<long> { chatId }, "points"))
            .Select(s => new TopRow(members.Find(s.UserId) is { } m ? Members.DisplayName(m) : s.UserId.ToString(), s.Points, Money.Format(s.SalesFen)))
            .ToList();
        return new StatsReport(days, stats.Sum(d => d.Joined), stats.Sum(d => d.Left), active, stats.Sum(d => d.Messages), recent.Count,
            recent.SelectMany(g => g.Participants()).Distinct().Count(), buyers, conversion, top);
    }
}
