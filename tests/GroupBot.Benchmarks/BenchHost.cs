using System.Diagnostics;
using GroupBot.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Telegram.Bot;

namespace GroupBot.Benchmarks;

/// <summary>The real bot host (BotHost.Build) pointed at a <see cref="LoadPeer"/>, with its files in a throw-away folder.</summary>
public sealed class BenchHost : IAsyncDisposable
{
    public const string Token = "123:bench";

    private BenchHost(string dir, IHost host) => (Dir, Host) = (dir, host);

    /// <summary>The run's folder: config/ and templates/ (copies), data/ (database, logs).</summary>
    public string Dir { get; }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public string DatabasePath => Path.Combine(Dir, "data", "bot.db");

    public string LogFolder => Path.Combine(Dir, "data", "logs");

    /// <summary>
    /// A folder with copies of the repository's config/ and templates/ and no post schedules (a scheduled post firing
    /// mid-run would add messages to every group and spoil the counts).
    /// </summary>
    public static string PrepareFolder(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "groupbot-bench", $"{name}-{DateTime.UtcNow:yyyyMMddHHmmss}-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        Copy(Path.Combine(Repo.Root, "config"), Path.Combine(dir, "config"));
        Copy(Path.Combine(Repo.Root, "templates"), Path.Combine(dir, "templates"));
        File.WriteAllText(Path.Combine(dir, "config", "schedules.json"), "{ \"schedules\": [] }\n");
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        return dir;
    }

    /// <param name="clientTimeout">Telegram.Bot's HTTP timeout; null keeps the library default the production host uses</param>
    public static Task<BenchHost> StartAsync(string dir, LoadPeer peer, IDictionary<string, string?> extra, TimeSpan? clientTimeout = null) =>
        StartAsync(dir, peer.BaseUrl, extra, clientTimeout);

    /// <param name="peerUrl">the Bot API server's address (a <see cref="LoadPeer"/> here or in another process)</param>
    public static async Task<BenchHost> StartAsync(string dir, string peerUrl, IDictionary<string, string?> extra, TimeSpan? clientTimeout = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = Token,
            ["Telegram:BaseUrl"] = peerUrl,
            ["Telegram:PollTimeoutSeconds"] = "2",
            ["Telegram:MaxBackoffSeconds"] = "2",
            ["Storage:Path"] = Path.Combine(dir, "data", "bot.db"),
            ["Serilog:WriteTo:File:Args:path"] = Path.Combine(dir, "data", "logs", "bot-.log"),
            // The benchmark prints its own result block; the bot's log goes to the file only.
            ["Serilog:WriteTo:Console:Args:restrictedToMinimumLevel"] = "Fatal",
        };
        foreach (var (k, v) in extra) settings[k] = v;
        var host = BotHost.Build([], dir, settings);
        if (clientTimeout is { } t) host.Services.GetRequiredService<ITelegramBotClient>().Timeout = t;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(cts.Token);
        return new BenchHost(dir, host);
    }

    /// <summary>Lines of the bot's log file(s) that contain <paramref name="text"/>.</summary>
    public int CountLogLines(string text)
    {
        if (!Directory.Exists(LogFolder)) return 0;
        var n = 0;
        foreach (var f in Directory.GetFiles(LogFolder))
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
                if (line.Contains(text, StringComparison.Ordinal)) n++;
        }
        return n;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await Host.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
        Host.Dispose();
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>Where the repository is (config/ and templates/ are read from there).</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GroupBot.sln"))) return dir.FullName;
        throw new InvalidOperationException("GroupBot.sln not found above the working directory or " + AppContext.BaseDirectory);
    }
}

/// <summary>Small numeric helpers for the result blocks.</summary>
public static class Measure
{
    public static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;

    public static double Ms(long from, long to) => Seconds(from, to) * 1000;

    /// <summary>Nearest-rank percentile of an already sorted list.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>The most events inside any window of the given length (timestamps sorted).</summary>
    public static int MaxInWindow(IReadOnlyList<long> sortedStamps, double seconds)
    {
        var window = (long)(seconds * Stopwatch.Frequency);
        var best = 0;
        for (int lo = 0, hi = 0; hi < sortedStamps.Count; hi++)
        {
            while (sortedStamps[hi] - sortedStamps[lo] >= window) lo++;
            best = Math.Max(best, hi - lo + 1);
        }
        return best;
    }

    /// <summary>Samples the process's working set and managed heap until disposed; the peaks are kept.</summary>
    public sealed class MemorySampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public MemorySampler()
        {
            _loop = Task.Run(async () =>
            {
                using var process = Process.GetCurrentProcess();
                while (!_stop.IsCancellationRequested)
                {
                    process.Refresh();
                    PeakWorkingSet = Math.Max(PeakWorkingSet, process.WorkingSet64);
                    PeakManagedHeap = Math.Max(PeakManagedHeap, GC.GetTotalMemory(false));
                    try
                    {
                        await Task.Delay(100, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            });
        }

        public long PeakWorkingSet { get; private set; }

        public long PeakManagedHeap { get; private set; }

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait(TimeSpan.FromSeconds(2));
            _stop.Dispose();
        }
    }

    public static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:0} MB";
}
