using GroupBot.Community;
using GroupBot.Hosting;
using Microsoft.Extensions.Options;

namespace GroupBot.OpsConsole;

/// <summary>The brand's leaderboard (what /top shows across trusted groups) and the report's chart, with Chinese group titles.</summary>
public sealed class Boards(Points points, Members members, Activity activity, Groups groups, TimeProvider time, IOptionsMonitor<BotOptions> bot)
{
    // The SkiaSharp build ScottPlot brings has no fontconfig, so a Chinese font is loaded from its file (fonts-noto-cjk on
    // Debian); without one the titles would be boxes. Null when none is installed: the chart still draws.
    private static readonly Lazy<string?> CjkFont = new(() =>
    {
        string[] known = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
            "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/System/Library/Fonts/PingFang.ttc", @"C:\Windows\Fonts\msyh.ttc"];
        if (known.FirstOrDefault(File.Exists) is not { } file) return null;
        ScottPlot.Fonts.AddFontFile("GroupBotCJK", file);
        return "GroupBotCJK";
    });

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
        if (CjkFont.Value is { } cjk)
        {
            plot.Font.Set(cjk);
            plot.Legend.FontName = cjk;
        }
        return plot.GetImageBytes(900, 450, ScottPlot.ImageFormat.Png);
    }
}
