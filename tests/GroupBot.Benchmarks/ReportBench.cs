using System.Diagnostics;
using GroupBot.Community;
using GroupBot.Hosting;
using GroupBot.Storage;
using Microsoft.Extensions.Options;

namespace GroupBot.Benchmarks;

/// <summary>
/// `report [--groups 10000] [--days 7] [--entries 200000]`: the `report` command over a large brand. Fills a fresh store
/// with that many groups (Chinese titles), a day of activity per group and day, and a points ledger over the period,
/// then times ReportCli.Write (both CSVs and the chart) once, printing its progress lines.
/// </summary>
public static class ReportBench
{
    public static Task<int> RunAsync(Options options)
    {
        var groupCount = options.Int("groups", 10_000);
        var days = options.Int("days", 7);
        var entries = options.Int("entries", 200_000);
        options.CheckAllUsed();
        var dir = BenchHost.PrepareFolder("report");
        var now = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        var time = new StillClock(now);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        using (var db = new Database(Path.Combine(dir, "data", "bot.db"), time: time))
        {
            var bot = new Monitor<BotOptions>(new BotOptions());
            var groups = new Groups(db, bot, time);
            var stats = db.Table<string, DayStats>("day_stats", d => $"{d.ChatId}:{d.Day:yyyyMMdd}");
            var points = db.Table<string, PointEntry>("points", e => e.Key);
            var rng = new Random(7);
            var today = DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(now, zone).Date, DateTimeKind.Utc);
            var fill = Stopwatch.StartNew();
            for (var start = 0; start < groupCount; start += 1000)
            {
                var first = start;
                db.Write(() =>
                {
                    for (var g = first; g < Math.Min(groupCount, first + 1000); g++)
                    {
                        groups.Save(new Group { ChatId = -100 - g, Title = $"华东分销{g}群", Kind = "Supergroup" });
                        for (var d = 0; d < days; d++)
                            stats.Put(new DayStats { ChatId = -100 - g, Day = today.AddDays(-d), Messages = rng.Next(500), Joined = rng.Next(5),
                                Active = Enumerable.Range(1, rng.Next(1, 30)).Select(i => (long)(g * 100 + i)).ToList() });
                    }
                });
            }
            for (var done = 0; done < entries; done += 20_000)
            {
                var from = done;
                db.Write(() =>
                {
                    for (var n = from; n < Math.Min(entries, from + 20_000); n++)
                        points.Put(new PointEntry { Key = $"bench:{n}", ChatId = -100 - rng.Next(groupCount), UserId = 1 + rng.Next(100_000), Kind = PointKind.Award,
                            Points = rng.Next(1, 50), Utc = now.UtcDateTime.AddDays(-days).AddSeconds(days * 24.0 * 3600 * n / entries) });
                });
            }
            Console.Error.WriteLine($"store filled: {groupCount} groups, {groupCount * days} group-days, {entries} ledger rows in {fill.Elapsed.TotalSeconds:0.0} s");
        }
        using var snapshot = new Database(Path.Combine(dir, "data", "bot.db"), readOnly: true);
        var watch = Stopwatch.StartNew();
        var (csv, summary, png) = ReportCli.Write(snapshot, zone, now, days, Path.Combine(dir, "reports"), progress: Console.Error.WriteLine);
        Console.WriteLine($"report: {groupCount} groups, {days} days: {watch.Elapsed.TotalSeconds:0.00} s (CJK font {(Charts.CjkInstalled ? "used" : "missing")})");
        Console.WriteLine($"  {csv}\n  {summary}\n  {png}");
        return Task.FromResult(0);
    }

    private sealed class StillClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new Never();

        private sealed class Never : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private sealed class Monitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;
        public T Get(string? name) => value;
        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
