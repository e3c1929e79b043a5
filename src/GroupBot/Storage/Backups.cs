using GroupBot.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Storage;

/// <summary>
/// Online snapshots of the database every <c>Storage:BackupEveryHours</c> into <c>Storage:BackupPath</c>, keeping the
/// newest <c>Storage:KeepBackups</c>. A snapshot is a plain copy of the file (restore: `db restore &lt;file&gt;`); it does
/// not depend on LiteDB's own rebuild.
/// </summary>
public sealed class Backups(Database db, TimeProvider time, IOptions<StorageOptions> options, ILogger<Backups> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var every = TimeSpan.FromHours(options.Value.BackupEveryHours);
        if (every <= TimeSpan.Zero) return;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await RunOnce();
        }
    }

    /// <summary>Takes one snapshot and drops the oldest beyond the number to keep. Returns the snapshot's path, or null when it failed.</summary>
    public async Task<string?> RunOnce()
    {
        try
        {
            var path = await db.BackupAsync(options.Value.BackupPath);
            foreach (var old in List(options.Value.BackupPath, db.FilePath).Skip(options.Value.KeepBackups)) File.Delete(old);
            log.LogInformation("Storage: backup written to {Path}", path);
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.LogError("Storage: the backup into {Folder} failed: {Error}", options.Value.BackupPath, ex.Message);
            return null;
        }
    }

    /// <summary>The backups of a database file in a folder, newest first.</summary>
    public static IReadOnlyList<string> List(string folder, string databaseFile)
    {
        if (!Directory.Exists(folder)) return [];
        var stem = Path.GetFileNameWithoutExtension(databaseFile) + "-";
        return Directory.GetFiles(folder, stem + "*" + Path.GetExtension(databaseFile))
            .Where(f => !f.EndsWith(".part", StringComparison.Ordinal))
            .OrderByDescending(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
    }
}
