using System.Globalization;

namespace GroupBot.Community;

/// <summary>
/// The report's and /stats' PNG charts (ScottPlot on SkiaSharp). Group titles are Chinese, so the font is chosen by
/// name, never left to SkiaSharp's default (which has no CJK glyphs and draws boxes): Noto Sans CJK SC from Debian's and
/// Ubuntu's fonts-noto-cjk (installed by .ci/run and the Dockerfile). Where it is missing, labels fall back to ids.
/// </summary>
public static class Charts
{
    public const string CjkFont = "Noto Sans CJK SC";

    private static readonly Lazy<bool> Installed = new(() =>
    {
        using var typeface = SkiaSharp.SKTypeface.FromFamilyName(CjkFont);
        return typeface is not null && typeface.FamilyName.Equals(CjkFont, StringComparison.OrdinalIgnoreCase);
    });

    /// <summary>Whether the CJK font is installed (otherwise Chinese labels would be boxes).</summary>
    public static bool CjkInstalled => Installed.Value;

    /// <summary>A label the chart can draw: the text when the font has its glyphs, else the fallback (an id).</summary>
    public static string Label(string text, string fallback) => CjkInstalled || text.All(char.IsAscii) ? text : fallback;

    private static ScottPlot.Plot NewPlot()
    {
        var plot = new ScottPlot.Plot();
        if (CjkInstalled)
        {
            plot.Font.Set(CjkFont);
            plot.Legend.FontName = CjkFont;
        }
        return plot;
    }

    /// <summary>One line per group: messages per day (the report).</summary>
    public static void MessagesPerDay(string path, string title, IReadOnlyList<DateTime> days, IEnumerable<(string Label, double[] Values)> series)
    {
        var plot = NewPlot();
        var xs = days.Select(d => d.ToOADate()).ToArray();
        foreach (var (label, values) in series)
        {
            var line = plot.Add.Scatter(xs, values);
            line.LegendText = label;
        }
        plot.Axes.DateTimeTicksBottom();
        plot.Title(title);
        plot.YLabel(CjkInstalled ? "消息 / messages" : "messages");
        plot.ShowLegend();
        plot.SavePng(path, 1000, 500);
    }

    /// <summary>One group's days (/stats): messages as bars, active members as a line.</summary>
    public static void GroupDays(string path, string title, IReadOnlyList<DateTime> days, IReadOnlyList<DayStats?> stats, string language)
    {
        var plot = NewPlot();
        var zh = language != "en" && CjkInstalled;
        var xs = days.Select(d => d.ToOADate()).ToArray();
        var bars = plot.Add.Bars(xs, stats.Select(s => (double)(s?.Messages ?? 0)).ToArray());
        bars.LegendText = zh ? "消息" : "messages";
        var active = plot.Add.Scatter(xs, stats.Select(s => (double)(s?.Active.Count ?? 0)).ToArray());
        active.LegendText = zh ? "活跃成员" : "active members";
        active.LineWidth = 2;
        plot.Axes.DateTimeTicksBottom();
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.ShowLegend();
        plot.SavePng(path, 800, 400);
    }

    /// <summary>Deletes chart files older than a day from a folder (each /stats chart is a file of its own until sent).</summary>
    public static void Prune(string folder, DateTime nowUtc)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var file in Directory.GetFiles(folder, "*.png"))
            if (File.GetLastWriteTimeUtc(file) < nowUtc.AddDays(-1))
                try { File.Delete(file); } catch (IOException) { }
    }

    public static string Day(DateTime day) => day.ToString("MM-dd", CultureInfo.InvariantCulture);
}
