using GroupBot.Hosting;
using Microsoft.Extensions.Configuration;

namespace GroupBot.Storage;

/// <summary>
/// `db check`: reads every collection of the database (with what the journal holds) and says whether it is sound.
/// `db backup [--out folder]`: a consistent copy, also while the bot runs. `db restore &lt;file&gt;`: puts a backup in
/// place of the database (the bot must be stopped); the replaced files are kept beside the backups.
/// </summary>
public static class DatabaseCli
{
    public const string Usage = "usage: db check | db backup [--out <folder>] | db restore <backup file>";

    public static int Run(string[] args, TextWriter output, TextWriter error, string? root = null)
    {
        root ??= BotHost.FindRoot();
        var config = new ConfigurationBuilder().AddJsonFile(Path.Combine(root, "config", "appsettings.json"), optional: true)
            .AddEnvironmentVariables().Build();
        var dbPath = BotHost.InRoot(root, config["Storage:Path"] is { Length: > 0 } p ? p : "data/groupbot.db");
        var backups = BotHost.InRoot(root, config["Storage:BackupPath"] is { Length: > 0 } b ? b : "data/backups");
        try
        {
            return args switch
            {
                ["check"] => Check(dbPath, output),
                ["backup"] => Backup(dbPath, backups, output),
                ["backup", "--out", var folder] => Backup(dbPath, Path.GetFullPath(folder), output),
                ["restore", var file] => Restore(dbPath, Path.GetFullPath(file), backups, output),
                _ => Fail(error, Usage, 2),
            };
        }
        catch (IOException ex)
        {
            return Fail(error, ex.Message, 1);
        }
    }

    private static int Check(string dbPath, TextWriter output)
    {
        if (!File.Exists(dbPath)) throw new IOException($"{dbPath}: no database yet (run the bot first)");
        using var db = new Database(dbPath, readOnly: true);
        var collections = db.Check();
        foreach (var (name, rows) in collections) output.WriteLine($"{name}: {rows} rows");
        output.WriteLine($"{dbPath}: OK ({collections.Count} collections, {collections.Sum(c => c.Rows)} rows)");
        return 0;
    }

    private static int Backup(string dbPath, string folder, TextWriter output)
    {
        if (!File.Exists(dbPath)) throw new IOException($"{dbPath}: no database yet (run the bot first)");
        // A read-only open copies the file with its log and journal and replays them: that copy is the backup.
        using var db = new Database(dbPath, readOnly: true);
        db.Check();
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(dbPath)}-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}{Path.GetExtension(dbPath)}");
        db.CopyTo(target);
        output.WriteLine($"backup written: {target}");
        return 0;
    }

    private static int Restore(string dbPath, string backup, string backups, TextWriter output)
    {
        if (!File.Exists(backup)) throw new IOException($"{backup}: no such file");
        if (Path.GetFullPath(backup) == Path.GetFullPath(dbPath)) throw new IOException($"{backup} is the database itself");
        // The bot holds the lock while it runs; so does this restore, until it is done.
        FileStream held;
        try
        {
            held = new FileStream(Database.LockPathOf(dbPath), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new IOException($"{dbPath} is in use: stop the bot before restoring");
        }
        using (held)
        {
            using (var candidate = new Database(backup, readOnly: true)) candidate.Check();
            var aside = Path.Combine(backups, $"replaced-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}");
            Directory.CreateDirectory(aside);
            foreach (var file in Database.FilesOf(dbPath))
                File.Move(file, Path.Combine(aside, Path.GetFileName(file)));
            File.Copy(backup, dbPath);
            File.WriteAllText(Database.MarkerPathOf(dbPath), $"GroupBot database {Path.GetFileName(dbPath)} restored from {backup} {DateTime.UtcNow:u}\n");
            output.WriteLine($"restored {dbPath} from {backup}; the files it replaced are in {aside}");
        }
        return 0;
    }

    private static int Fail(TextWriter error, string message, int code)
    {
        error.WriteLine(message);
        return code;
    }
}
