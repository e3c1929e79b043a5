using System.Globalization;
using System.Text;
using GroupBot.Games;
using GroupBot.Hosting;
using GroupBot.Storage;
using Microsoft.Extensions.Configuration;

namespace GroupBot.Community;

/// <summary>
/// `report [--days 7] [--out folder]`: every group's figures for the last days as a CSV an operator opens in a
/// spreadsheet, plus a PNG chart of messages per day for the busiest groups, and the distributors' statements
/// (statement-yyyy-MM.csv) for this month and the last. Reads a snapshot of the database,
/// so it works while the bot runs.
/// </summary>
public static class ReportCli
{
    public const string Usage = "usage: report [--days 7] [--out <folder>]";

    public static int Run(string[] args, TextWriter output, TextWriter error, string? root = null, DateTimeOffset? now = null)
    {
        root ??= BotHost.FindRoot();
        var days = 7;
        var outFolder = Path.Combine(root, "data", "reports");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--days" when i + 1 < args.Length && int.TryParse(args[i + 1], out days) && days is >= 1 and <= 366:
                    i++;
                    break;
                case "--out" when i + 1 < args.Length:
                    outFolder = Path.GetFullPath(args[++i]);
                    break;
                default:
                    error.WriteLine(Usage);
                    return 2;
            }
        }
        var config = new ConfigurationBuilder().AddJsonFile(Path.Combine(root, "config", "appsettings.json"), optional: true)
            .AddEnvironmentVariables().Build();
        var dbPath = config["Storage:Path"] is { Length: > 0 } p ? (Path.IsPathRooted(p) ? p : Path.Combine(root, p)) : Path.Combine(root, "data", "groupbot.db");
        if (!File.Exists(dbPath))
        {
            error.WriteLine($"{dbPath}: no database yet (run the bot first)");
            return 1;
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(config["Bot:TimeZone"] ?? "Asia/Shanghai");
        using var db = new Database(dbPath, readOnly: true);
        var time = now ?? DateTimeOffset.UtcNow;
        if (!Charts.CjkInstalled)
            error.WriteLine($"warning: the font {Charts.CjkFont} is not installed (Debian/Ubuntu: apt-get install fonts-noto-cjk); the chart labels groups by id");
        var (csv, summary, png) = Write(db, zone, time, days, outFolder, Path.Combine(root, "config", "groups.json"), error.WriteLine);
        output.WriteLine(csv);
        output.WriteLine(summary);
        output.WriteLine(png);
        // The distributors' monthly statements (Commerce): this month so far and the month before.
        var stores = Commerce.CommerceCli.Stores.Open(db, zone, config.GetSection(Commerce.CommerceOptions.Section).Get<Commerce.CommerceOptions>() ?? new(),
            config.GetSection(CommunityOptions.Section).Get<CommunityOptions>() ?? new(), new FixedClock(time), null);
        var month = TimeZoneInfo.ConvertTime(time, zone);
        foreach (var m in new[] { month.AddMonths(-1), month })
            output.WriteLine(Commerce.Statements.WriteCsv(stores.Orders, stores.Members, m.ToString("yyyy-MM", CultureInfo.InvariantCulture), outFolder));
        return 0;
    }

    /// <returns>the daily CSV (a row per group and day), the summary CSV (a row per group: /stats' figures) and the chart</returns>
    /// <param name="progress">told how far it got on long runs (every 1,000 groups), and how long it took</param>
    public static (string Csv, string Summary, string Png) Write(Database db, TimeZoneInfo zone, DateTimeOffset now, int days, string outFolder, string? groupsFile = null,
        Action<string>? progress = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var clock = new FixedClock(now);
        var groups = new Groups(db, new StaticOptions<BotOptions>(new BotOptions { TimeZone = zone.Id }), clock);
        if (groupsFile is not null) groups.File.Load(groupsFile);
        var activity = new Activity(db, clock);
        var games = new GameStore(db, Microsoft.Extensions.Logging.Abstractions.NullLogger<GameStore>.Instance);
        var members = new Members(db, clock);
        var points = new Points(db, members, new StaticOptions<CommunityOptions>(new CommunityOptions()), clock, new Trust(groups, new StaticOptions<BotOptions>(new BotOptions())));
        progress?.Invoke($"report: store read ({watch.Elapsed.TotalSeconds:0.0} s)");
        var from = activity.Today(zone).AddDays(-(days - 1));
        var stats = activity.Days(null, from);
        var fromUtc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(from, DateTimeKind.Unspecified), zone);

        Directory.CreateDirectory(outFolder);
        var stamp = TimeZoneInfo.ConvertTime(now, zone).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var csvPath = Path.Combine(outFolder, $"report-{stamp}-{days}d.csv");
        var csv = new StringBuilder("group,chat_id,tags,day,joined,left,active_members,messages,games_opened,players\n");
        var all = groups.Active().Concat(stats.Select(s => s.ChatId).Distinct().Where(id => groups.Find(id) is null)
            .Select(id => new Group { ChatId = id, Title = id.ToString(CultureInfo.InvariantCulture) })).ToList();
        // Looked up, not searched: a scan of every day of every group per group and day is hours at 10,000 groups.
        var byChatDay = stats.ToDictionary(s => (s.ChatId, s.Day));
        var today = activity.Today(zone);
        var done = 0;
        foreach (var group in all.OrderBy(g => g.Title, StringComparer.Ordinal))
        {
            if (++done % 1000 == 0) progress?.Invoke($"report: daily rows {done}/{all.Count} groups ({watch.Elapsed.TotalSeconds:0.0} s)");
            var recent = games.Since(group.ChatId, fromUtc);
            for (var day = from; day <= today; day = day.AddDays(1))
            {
                var d = byChatDay.GetValueOrDefault((group.ChatId, day));
                var opened = recent.Where(g => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(g.CreatedUtc, DateTimeKind.Utc), zone).Date == day.Date).ToList();
                csv.Append(Csv(group.Title)).Append(',').Append(group.ChatId).Append(',')
                    .Append(Csv(string.Join(" ", groups.TagsOf(group).Select(t => $"{t.Key}={t.Value}")))).Append(',')
                    .Append(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                    .Append(d?.Joined ?? 0).Append(',').Append(d?.Left ?? 0).Append(',').Append(d?.Active.Count ?? 0).Append(',')
                    .Append(d?.Messages ?? 0).Append(',').Append(opened.Count).Append(',')
                    .Append(opened.SelectMany(g => g.Participants()).Distinct().Count()).Append('\n');
            }
        }
        // UTF-8 with a BOM so spreadsheet programs read the Chinese group names right.
        File.WriteAllText(csvPath, csv.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        // The period per group, as /stats shows it in the group: conversion and top distributors included.
        var summaryPath = Path.Combine(outFolder, $"report-{stamp}-{days}d-groups.csv");
        var summary = new StringBuilder("group,chat_id,tags,joined,left,active_members,messages,games_opened,players,groupbuy_players,conversion,top_distributors\n");
        // Each group's top distributors from one pass over the period's ledger (per time zone the groups use).
        var tops = new Dictionary<string, Dictionary<long, IReadOnlyList<Standing>>>();
        done = 0;
        foreach (var group in all.OrderBy(g => g.Title, StringComparer.Ordinal))
        {
            if (++done % 1000 == 0) progress?.Invoke($"report: summary rows {done}/{all.Count} groups ({watch.Elapsed.TotalSeconds:0.0} s)");
            var groupZone = groups.TimeZoneOf(group);
            if (!tops.TryGetValue(groupZone.Id, out var top))
            {
                var start = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(activity.Today(groupZone).AddDays(-(days - 1)), DateTimeKind.Unspecified), groupZone);
                tops[groupZone.Id] = top = points.TopByChat(5, start, "points");
            }
            var r = StatsReport.For(group.ChatId, days, activity, games, points, members, groupZone, now, top.GetValueOrDefault(group.ChatId) ?? []);
            summary.Append(Csv(group.Title)).Append(',').Append(group.ChatId).Append(',')
                .Append(Csv(string.Join(" ", groups.TagsOf(group).Select(t => $"{t.Key}={t.Value}")))).Append(',')
                .Append(r.Joined).Append(',').Append(r.Left).Append(',').Append(r.ActiveMembers).Append(',').Append(r.Messages).Append(',')
                .Append(r.Games).Append(',').Append(r.Players).Append(',').Append(r.GroupBuyPlayers).Append(',')
                .Append(r.Conversion == "—" ? "" : r.Conversion).Append(',')
                .Append(Csv(string.Join("; ", r.Top.Select(t => $"{t.Name} {t.Points} ({t.Sales})"))))
                .Append('\n');
        }
        File.WriteAllText(summaryPath, summary.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var pngPath = Path.Combine(outFolder, $"report-{stamp}-{days}d.png");
        var dayList = Enumerable.Range(0, days).Select(i => from.AddDays(i)).ToList();
        var busiest = stats.GroupBy(s => s.ChatId).OrderByDescending(g => g.Sum(s => s.Messages)).Take(8).Select(g =>
        {
            var id = g.Key.ToString(CultureInfo.InvariantCulture);
            // Chinese titles with the CJK font chosen by name; ids where it is not installed (boxes help nobody).
            var label = groups.Find(g.Key) is { } known ? Charts.Label(known.Title, id) : id;
            var values = dayList.Select(day => (double)(byChatDay.GetValueOrDefault((g.Key, day))?.Messages ?? 0)).ToArray();
            return (label, values);
        }).ToList();
        Charts.MessagesPerDay(pngPath, Charts.CjkInstalled ? $"每天消息数（最活跃的群）· 近 {days} 天" : $"Messages per day, last {days} days", dayList, busiest);
        progress?.Invoke($"report: {all.Count} groups in {watch.Elapsed.TotalSeconds:0.0} s");
        return (csvPath, summaryPath, pngPath);
    }

    private static string Csv(string value)
    {
        // A spreadsheet runs a cell that starts with = + - @ as a formula ("@amy 120" included): keep it text.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class StaticOptions<T>(T value) : Microsoft.Extensions.Options.IOptionsMonitor<T>
    {
        public T CurrentValue { get; } = value;
        public T Get(string? name) => CurrentValue;
        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
