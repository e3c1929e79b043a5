using GroupBot.Community;
using GroupBot.Hosting;
using Microsoft.Extensions.Options;

namespace GroupBot.OpsConsole;

/// <summary>The brand's leaderboard (what /top shows across trusted groups) and the report's chart, with Chinese group titles.</summary>
public sealed class Boards(Points points, Members members, Activity activity, Groups groups, TimeProvider time, IOptionsMonitor<BotOptions> bot)
{
    public static readonly string[] Periods = ["week", "month", "all"];
    public static readonly string[] Measures = ["points", "sales", "recruits"];

    public IReadOnlyList<object> Top(string period, string by)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(bot.CurrentValue.TimeZone);
        var (week, month) = Points.PeriodStarts(time.GetUtcNow(), zone);
        DateTime? since = period switch { "week" => week, "month" => month, _ => null };
        return points.Top(20, since, null, by).Select((s, i) => (object)new
        {
            rank = i + 1, name = members.Find(s.UserId) is { } m ? Members.DisplayName(m) : s.UserId.ToString(), s.Points,
            sales = Money.Format(s.SalesFen), s.Recruits,
        }).ToList();
    }

    /// <summary>Messages per day of the busiest groups, as the report draws it, labelled with the groups' own (Chinese) titles.</summary>
    public byte[] Chart(int days)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(bot.CurrentValue.TimeZone);
        var from = activity.Today(zone).AddDays(-(days - 1));
        var stats = activity.Days(null, from);
        var plot = new ScottPlot.Plot();
        var dayList = Enumerable.Range(0, days).Select(i => from.AddDays(i)).ToList();
        foreach (var group in stats.GroupBy(s => s.ChatId).OrderByDescending(g => g.Sum(s => s.Messages)).Take(8))
        {
            var ys = dayList.Select(day => (double)(group.FirstOrDefault(s => s.Day == day)?.Messages ?? 0)).ToArray();
            var line = plot.Add.Scatter(dayList.Select(d => d.ToOADate()).ToArray(), ys);
            line.LegendText = groups.Find(group.Key)?.Title ?? group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        plot.Axes.DateTimeTicksBottom();
        plot.Title($"每日消息 Messages per day · {days} 天 days");
        plot.YLabel("消息 messages");
        plot.ShowLegend();
        // A font with the glyphs of the titles (fonts-noto-cjk on Debian), so Chinese names are not boxes.
        plot.Font.Automatic();
        return plot.GetImageBytes(900, 450, ScottPlot.ImageFormat.Png);
    }
}
