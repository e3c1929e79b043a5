using GroupBot.Pipeline;
using GroupBot.Hosting;
using GroupBot.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Commerce;

/// <summary>
/// While the bot runs it holds the database, so `orders import` cannot: an operator copies the export into the import
/// folder (Commerce:ImportFolder, default "imports" beside the database) and the bot imports it within a minute, in a
/// unit of its own, then moves it to done/ (or failed/, for a file it cannot read) with a .txt report beside it.
/// A file still being copied is left for the next round (it must be unchanged for one round first).
/// </summary>
public sealed class ImportFolder(Database db, OrderImport import, IOptionsMonitor<CommerceOptions> options, IOptionsMonitor<BotOptions> bot,
    IOptions<StorageOptions> storage, IConfiguration config, IHostEnvironment env, TimeProvider time, ILogger<ImportFolder> log) : IHostedService, IDisposable
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, (long Length, DateTime Written)> _seen = [];
    private readonly SemaphoreSlim _running = new(1, 1);
    private ITimer? _timer;

    public string Folder => config["Commerce:ImportFolder"] is { Length: > 0 } f ? BotHost.InRoot(env.ContentRootPath, f)
        : Path.Combine(Path.GetDirectoryName(storage.Value.Path)!, "imports");

    /// <summary>The folder as the CLI names it (the same rule, from the config file).</summary>
    public static string PathOf(string root, IConfiguration config) => config["Commerce:ImportFolder"] is { Length: > 0 } f ? BotHost.InRoot(root, f)
        : Path.Combine(Path.GetDirectoryName(BotHost.InRoot(root, config["Storage:Path"] is { Length: > 0 } p ? p : "data/groupbot.db"))!, "imports");

    public Task StartAsync(CancellationToken ct)
    {
        _timer = time.CreateDetachedTimer(_ => _ = Scan(), null, Every, Every);
        return Task.CompletedTask;
    }

    /// <summary>One round: imports every .csv that has stopped changing. Returns the reports written.</summary>
    public async Task<IReadOnlyList<string>> Scan()
    {
        if (!await _running.WaitAsync(0)) return [];
        try
        {
            var folder = Folder;
            if (!Directory.Exists(folder)) return [];
            var written = new List<string>();
            foreach (var file in Directory.GetFiles(folder, "*.csv").Order(StringComparer.Ordinal))
            {
                var info = new FileInfo(file);
                var now = (info.Length, info.LastWriteTimeUtc);
                if (!_seen.TryGetValue(file, out var before) || before != now)
                {
                    _seen[file] = now;
                    continue;
                }
                _seen.Remove(file);
                written.Add(await ImportOne(folder, file));
            }
            return written;
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Import folder round failed");
            return [];
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<string> ImportOne(string folder, string file)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(bot.CurrentValue.TimeZone);
        ImportReport report;
        using (var unit = db.Begin())
        {
            report = import.Import(OrderImport.ReadText(await File.ReadAllBytesAsync(file)), options.CurrentValue.OrderColumns, zone);
            if (report.FileError is null) await unit.CommitAsync();
        }
        var target = Path.Combine(folder, report.FileError is null ? "done" : "failed");
        Directory.CreateDirectory(target);
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'");
        var moved = Path.Combine(target, $"{Path.GetFileNameWithoutExtension(file)}-{stamp}.csv");
        File.Move(file, moved);
        var reportPath = Path.ChangeExtension(moved, ".txt");
        await File.WriteAllLinesAsync(reportPath, report.Lines());
        log.LogInformation("Imported orders {File}: {Credited} credited, {Reversed} reversed, {Duplicates} repeats, {Problems} skipped",
            Path.GetFileName(file), report.Credited, report.Reversed, report.Duplicates, report.Problems.Count);
        return reportPath;
    }

    public Task StopAsync(CancellationToken ct)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();
}
