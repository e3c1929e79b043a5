using GroupBot.Hosting;
using GroupBot.Storage;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GroupBot.Tests.Storage;

/// <summary>A store that never silently loses data: a vanished, empty or cut file is refused, backups restore.</summary>
public sealed class IntegrityAndBackupTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp();

    public void Dispose() => _dir.Dispose();

    private static Table<long, Row> Rows(Database db) => db.Table<long, Row>("rows", r => r.Id, (r, id) => r.Id = id);

    private void MakeDatabase(string path, int rows)
    {
        using var db = new Database(path);
        var table = Rows(db);
        for (var i = 0; i < rows; i++) db.Write(() => table.Insert(new Row { Text = $"r{i}" }));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    public void A_database_that_vanished_is_not_taken_for_a_new_install(string how)
    {
        var path = _dir.File("data/bot.db");
        MakeDatabase(path, 3);
        File.Delete(path);
        if (how == "empty") File.WriteAllBytes(path, []);
        var ex = Assert.Throws<IOException>(() => new Database(path));
        Assert.Contains($"is {how}, but a database was kept here before", ex.Message);
        Assert.Contains("db restore", ex.Message);
    }

    [Fact]
    public void A_file_cut_short_is_refused_as_damaged()
    {
        var path = _dir.File("cut.db");
        MakeDatabase(path, 3);
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(f.Length - 100);
        var ex = Assert.Throws<IOException>(() => new Database(path));
        Assert.Contains("is damaged", ex.Message);
    }

    [Fact]
    public void A_second_bot_on_the_same_file_is_refused()
    {
        var path = _dir.File("one.db");
        using var first = new Database(path);
        var ex = Assert.Throws<IOException>(() => new Database(path));
        Assert.Contains("in use", ex.Message);
    }

    [Fact]
    public async Task A_backup_taken_while_running_holds_every_committed_unit()
    {
        var path = _dir.File("live.db");
        using var db = new Database(path, time: new FakeTimeProvider()); // the writer behind does not run by itself
        var rows = Rows(db);
        for (var i = 0; i < 20; i++) db.Write(() => rows.Insert(new Row { Text = $"r{i}" }));
        var backup = await db.BackupAsync(_dir.File("backups"));
        db.Write(() => rows.Insert(new Row { Text = "after" }));

        using var copy = new Database(backup, readOnly: true);
        Assert.Equal(20, Rows(copy).Count);
        Assert.Contains(copy.Check(), c => c.Collection == "rows" && c.Rows == 20);
    }

    [Fact]
    public void The_cli_backs_up_checks_and_restores_a_lost_database()
    {
        var root = new TempDir().WithBotFiles();
        try
        {
            var path = Path.Combine(root.Path, "data", "groupbot.db");
            MakeDatabase(path, 5);
            var (code, output, _) = Cli(root, "db", "backup");
            Assert.Equal(0, code);
            var backup = output.Trim().Split(": ", 2)[1];
            Assert.True(File.Exists(backup));
            Assert.Equal(0, Cli(root, "db", "check").Code);

            File.Delete(path); // lost
            Assert.Equal(1, Cli(root, "db", "check").Code);
            using (new Database(backup, readOnly: true)) { } // the backup itself opens
            // While something holds the database, a restore is refused.
            var lockFile = new FileStream(Database.LockPathOf(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            var refused = Cli(root, "db", "restore", backup);
            lockFile.Dispose();
            Assert.Equal(1, refused.Code);
            Assert.Contains("stop the bot", refused.Error);

            var restored = Cli(root, "db", "restore", backup);
            Assert.Equal(0, restored.Code);
            using var db = new Database(path);
            Assert.Equal(5, Rows(db).Count);
        }
        finally
        {
            root.Dispose();
        }
    }

    [Fact]
    public async Task The_bot_refuses_to_start_on_a_vanished_database_with_one_line()
    {
        var path = _dir.File("bot.db");
        MakeDatabase(path, 1);
        File.Delete(path);
        using var host = BotHost.Build([], Repo.Root, TestHosts.Settings(_dir));
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        var message = BotHost.Describe(ex, host.Services.GetRequiredService<IConfiguration>());
        Assert.NotNull(message);
        Assert.StartsWith("storage: ", message);
        Assert.Contains("db restore", message);
    }

    [Fact]
    public async Task Backups_are_taken_on_schedule_and_only_the_newest_are_kept()
    {
        var backups = _dir.File("backups");
        await using var bot = await BotHarness.Start(_dir, ("Storage:BackupPath", backups), ("Storage:BackupEveryHours", "6"), ("Storage:KeepBackups", "2"));
        for (var i = 0; i < 3; i++)
        {
            bot.Time.Advance(TimeSpan.FromHours(6));
            for (var j = 0; j < 200 && Backups.List(backups, bot.Get<Database>().FilePath).Count < Math.Min(i + 1, 2); j++) await Task.Delay(10);
            await Task.Delay(50);
        }
        var kept = Backups.List(backups, bot.Get<Database>().FilePath);
        Assert.Equal(2, kept.Count);
        using var newest = new Database(kept[0], readOnly: true);
        Assert.Contains(newest.Check(), c => c.Collection == "faq" && c.Rows > 0);
    }

    private static (int Code, string Output, string Error) Cli(TempDir root, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = DatabaseCli.Run(args[1..], output, error, root.Path);
        return (code, output.ToString(), error.ToString());
    }
}
