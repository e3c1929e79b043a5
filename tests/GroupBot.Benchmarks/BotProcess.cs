using System.Diagnostics;
using System.Text.Json;
using GroupBot.Outbox;
using GroupBot.Storage;
using Microsoft.Extensions.Hosting;

namespace GroupBot.Benchmarks;

/// <summary>What the bot process says of itself: its own CPU, memory, journal fsyncs and outbox, nothing of the load's.</summary>
public sealed record BotStats(
    double UserMs, double SysMs, long Syncs, int Pending, long WorkingSet, long PeakWorkingSet, long ManagedHeap,
    long AllocatedBytes, int Gen0, int Gen1, int Gen2, bool Stopping, string? LiteDbFailure, double GcPauseMs = 0, long WorkItems = 0,
    long ContextSwitches = 0)
{
    public double CpuMs => UserMs + SysMs;

    /// <summary>What a poll during a phase needs, and nothing that costs the bot to find out.</summary>
    public static BotStats Light(int pending, bool stopping, string? liteDbFailure) =>
        new(0, 0, 0, pending, 0, 0, 0, 0, 0, 0, 0, stopping, liteDbFailure);

    /// <summary>
    /// These stats with this process's hand-offs so far, counted rather than timed: the thread pool's work items and the
    /// context switches. Unlike times, they hardly move between runs, so a change that saves hand-offs shows even on a
    /// noisy machine.
    /// </summary>
    public BotStats WithHandOffs()
    {
        long switches = 0;
        try
        {
            foreach (var task in Directory.GetDirectories("/proc/self/task"))
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        switches += long.Parse(line.Split(':')[1].Trim());
        }
        catch (IOException)
        {
            // A thread that ended while it was read: the count is a little short, which a per-update figure hardly shows.
        }
        return this with { WorkItems = ThreadPool.CompletedWorkItemCount, ContextSwitches = switches };
    }
}

/// <summary>
/// The bot in a process of its own (`GroupBot.Benchmarks bot …`), so a benchmark can pin it to one core and the load
/// peer and generator to the other, and measure the bot's own CPU time. The parent talks to it over stdin/stdout:
/// `stats` → one line of <see cref="BotStats"/> JSON; `stop` (or end of input) → the host stops, a last stats line, exit.
/// </summary>
public sealed class BotProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _talk = new(1, 1);

    private BotProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <param name="cpus">a taskset CPU list for the bot ("0"), or null to leave it unpinned</param>
    public static async Task<BotProcess> StartAsync(string dir, string peerUrl, IDictionary<string, string?> settings, string? cpus)
    {
        var start = ChildStart(["bot", dir, peerUrl, .. settings.Select(kv => $"{kv.Key}={kv.Value}")], cpus);
        start.RedirectStandardOutput = true;
        // The bot runs as deployed: its GC setting from the Dockerfile and config/groupbot.service, no
        // tiered compilation as GroupBot.csproj says (this process runs the benchmarks' own runtimeconfig). A value in this
        // process's environment wins, to compare (DOTNET_GCgen0size=0 and DOTNET_TieredCompilation=1: the runtime's defaults).
        foreach (var (name, value) in Deployed)
            if (Environment.GetEnvironmentVariable(name) is null) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the bot process");
        var bot = new BotProcess(process);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var line = await process.StandardOutput.ReadLineAsync(cts.Token);
        if (line != "ready") throw new InvalidOperationException($"the bot process did not start: {line ?? "(exited)"}");
        return bot;
    }

    /// <summary>This benchmark program started again with <paramref name="args"/> (a child command), stdin redirected.</summary>
    /// <param name="cpus">a taskset CPU list for the child ("0"), or null to leave it unpinned</param>
    public static ProcessStartInfo ChildStart(IEnumerable<string> args, string? cpus)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(cpus is null ? self : "taskset") { RedirectStandardInput = true, UseShellExecute = false };
        if (cpus is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cpus);
            start.ArgumentList.Add(self);
        }
        // Under `dotnet run` the path is the app host; under `dotnet x.dll` it is dotnet and the assembly comes next.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(BotProcess).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    private static readonly (string Name, string Value)[] Deployed = [("DOTNET_GCgen0size", "0x2000000"), ("DOTNET_TieredCompilation", "0")];

    /// <param name="full">false: only the outbox and the stopping flag, for polls while a phase runs (the full stats read
    /// every thread's /proc status, which cost the bot about 3 % of its CPU when polled every 100 ms)</param>
    public async Task<BotStats?> StatsAsync(bool full = true)
    {
        if (_process.HasExited) return null;
        await _talk.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(full ? "stats" : "pending");
            await _process.StandardInput.FlushAsync();
            var line = await _process.StandardOutput.ReadLineAsync();
            return line is null ? null : JsonSerializer.Deserialize<BotStats>(line);
        }
        catch (IOException)
        {
            return null;
        }
        finally
        {
            _talk.Release();
        }
    }

    /// <summary>Stops the bot (the host's own stop, as on SIGTERM) and returns its last stats.</summary>
    public async Task<BotStats?> StopAsync()
    {
        BotStats? last = null;
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("stop");
                await _process.StandardInput.FlushAsync();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                var line = await _process.StandardOutput.ReadLineAsync(cts.Token);
                if (line is not null) last = JsonSerializer.Deserialize<BotStats>(line);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
            }
        }
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }
        return last;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await StopAsync();
        _process.Dispose();
    }

    /// <summary>The child's side: `bot &lt;dir&gt; &lt;peer url&gt; [key=value …]`.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        if (args.Length < 2) throw new OptionException("bot <dir> <peer url> [key=value …]");
        var settings = args[2..].Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? (string?)p[1] : null);
        using var liteDbFailure = new InboundBench.FirstLiteDbFailure();
        using var sampler = Environment.GetEnvironmentVariable("GROUPBOT_ALLOC_SAMPLES") == "1" ? new AllocationSampler() : null;
        var host = await BenchHost.StartAsync(args[0], args[1], settings);
        var stopping = host.Get<IHostApplicationLifetime>().ApplicationStopping;
        var db = host.Get<Database>();
        var outbox = host.Get<OutboxQueue>();
        BotStats Stats()
        {
            using var me = Process.GetCurrentProcess();
            var info = GC.GetGCMemoryInfo();
            return new BotStats(me.UserProcessorTime.TotalMilliseconds, me.PrivilegedProcessorTime.TotalMilliseconds, db.JournalStats.Syncs,
                outbox.PendingCount, me.WorkingSet64, me.PeakWorkingSet64, Math.Max(GC.GetTotalMemory(false), info.HeapSizeBytes),
                GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), stopping.IsCancellationRequested,
                liteDbFailure.Text, GC.GetTotalPauseDuration().TotalMilliseconds).WithHandOffs();
        }
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync() is { } command && command != "stop")
        {
            if (command == "pending")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(BotStats.Light(outbox.PendingCount, stopping.IsCancellationRequested, liteDbFailure.Text)));
                Console.Out.Flush();
                continue;
            }
            if (command != "stats") continue;
            // Each phase's allocations on their own: what was sampled since the last stats.
            sampler?.Report(Console.Error);
            Console.Out.WriteLine(JsonSerializer.Serialize(Stats()));
            Console.Out.Flush();
        }
        await host.DisposeAsync();
        sampler?.Report(Console.Error);
        Console.Out.WriteLine(JsonSerializer.Serialize(Stats()));
        Console.Out.Flush();
        return 0;
    }
}
