using System.Diagnostics;
using GroupBot.Community;
using GroupBot.Hosting;
using GroupBot.Storage;
using Microsoft.Extensions.Options;

namespace GroupBot.Benchmarks;

/// <summary>
/// `ledger [--rows 1000000]`: what `/me` and `/top` cost with a large points ledger. Fills the ledger of a fresh store
/// (rows spread over 1,000 groups, 100,000 members and 60 days; a tenth of the groups trusted), then times, many times
/// over: `/me`'s figures (total, week, month, sales, rank) and the boards `/top week`, `/top month`, `/top all`.
/// </summary>
public static class LedgerBench
{
    public static async Task<int> RunAsync(Options options)
    {
        var rows = options.Int("rows", 1_000_000);
        var repeats = options.Int("repeats", 50);
        options.CheckAllUsed();
        var dir = BenchHost.PrepareFolder("ledger");
        var now = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        var time = new StillClock(now); // the writer behind stays idle: this measures reads
        var db = new Database(Path.Combine(dir, "data", "bot.db"), time: time);
        var bot = new Monitor<BotOptions>(new BotOptions());
        var groups = new Groups(db, bot, time);
        var members = new Members(db, time);
        var points = new Points(db, members, new Monitor<CommunityOptions>(new CommunityOptions()), time, new Trust(groups, bot));
        var table = db.Table<string, PointEntry>("points", e => e.Key);
        var fill = Stopwatch.StartNew();
        var rng = new Random(7);
        db.Write(() =>
        {
            for (var g = 0; g < 1000; g++)
                groups.Save(new Group { ChatId = -100 - g, Title = $"群{g}", Tags = g % 10 == 0 ? new() { ["trusted"] = "yes" } : [] });
        });
        for (var done = 0; done < rows;)
        {
            var batch = Math.Min(20_000, rows - done);
            var start = done;
            db.Write(() =>
            {
                for (var i = 0; i < batch; i++)
                {
                    var n = start + i;
                    table.Put(new PointEntry
                    {
                        Key = $"bench:{n}", ChatId = -100 - rng.Next(1000), UserId = 1 + rng.Next(100_000), Kind = n % 7 == 0 ? PointKind.Sale : PointKind.Award,
                        Points = rng.Next(1, 50), SalesFen = n % 7 == 0 ? rng.Next(100, 100_000) : 0,
                        // Entries arrive in time order, as they do in the bot: 60 days up to now.
                        Utc = now.UtcDateTime.AddDays(-60).AddSeconds(60.0 * 24 * 3600 * n / rows),
                    });
                }
            });
            done += batch;
        }
        Console.Error.WriteLine($"ledger filled: {rows} rows in {fill.Elapsed.TotalSeconds:0.0} s");

        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var (week, month) = Points.PeriodStarts(now, zone);
        const long Here = -100; // a trusted group
        var me = new List<double>();
        var topWeek = new List<double>();
        var topMonth = new List<double>();
        var topAll = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            var user = 1 + rng.Next(100_000);
            me.Add(Time(() =>
            {
                _ = points.RankOf(user, Here);
                _ = points.TotalPoints(user, Here);
                _ = points.PointsSince(user, week, Here);
                _ = points.PointsSince(user, month, Here);
                _ = points.TotalSales(user, Here);
            }));
            topWeek.Add(Time(() => points.Top(10, week, null, "points")));
            topMonth.Add(Time(() => points.Top(10, month, null, "points")));
            topAll.Add(Time(() => points.Top(10, null, null, "points")));
        }
        string Row(string name, List<double> ms)
        {
            ms.Sort();
            return $"  {name}: p50 {Measure.Percentile(ms, 50):0.0} ms, p99 {Measure.Percentile(ms, 99):0.0} ms";
        }
        Console.WriteLine($"== GroupBot ledger benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}) ==");
        Console.WriteLine($"ledger: {rows} rows over 1,000 groups (100 trusted), 100,000 members, 60 days; {repeats} runs each");
        Console.WriteLine(Row("/me (rank on the all-time board, total, week, month, sales)", me));
        Console.WriteLine(Row("/top week", topWeek));
        Console.WriteLine(Row("/top month", topMonth));
        Console.WriteLine(Row("/top all", topAll));
        await Task.CompletedTask;
        Environment.Exit(0); // the store is thrown away: no copy of a million rows into LiteDB at the end
        return 0;
    }

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Measure.Ms(start, Stopwatch.GetTimestamp());
    }

    /// <summary>A clock that stands still and timers that never fire.</summary>
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
