using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GroupBot.Hosting;

/// <summary>
/// Watches operator files (config/*.json) and calls their reload when they change. Polling, not
/// FileSystemWatcher: editors replace files in ways watchers miss, and a 2 s poll is cheap.
/// A reload that throws is logged with its message and the last good version keeps serving.
/// </summary>
public sealed class ConfigReloader(TimeProvider time, ILogger<ConfigReloader> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly List<Watch> _watches = [];
    private readonly Lock _lock = new();

    /// <summary>An edit that did not load (path, the error with line:column); the last good version keeps serving.</summary>
    public event Action<string, string>? Rejected;

    public void Add(string path, Action reload)
    {
        lock (_lock) _watches.Add(new Watch(path, reload) { Stamp = Stamp(path) });
    }

    /// <summary>Checks every watched file once; the timer calls this, tests may too.</summary>
    public void CheckNow()
    {
        // One check at a time: the timer and a console save (which reloads at once) must not reload a file twice at once.
        lock (_checking) Check();
    }

    private readonly Lock _checking = new();

    private void Check()
    {
        List<Watch> watches;
        lock (_lock) watches = [.. _watches];
        foreach (var w in watches)
        {
            var stamp = Stamp(w.Path);
            if (stamp == w.Stamp) continue;
            w.Stamp = stamp;
            try
            {
                w.Reload();
                log.LogInformation("Reloaded {Path}", w.Path);
            }
            catch (Exception ex)
            {
                log.LogError("Edit of {Path} rejected, keeping the last good version: {Error}", w.Path, ex.Message);
                Rejected?.Invoke(w.Path, ex.Message);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) CheckNow();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static DateTime Stamp(string path) => File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;

    private sealed class Watch(string path, Action reload)
    {
        public string Path { get; } = path;
        public Action Reload { get; } = reload;
        public DateTime Stamp { get; set; }
    }
}
