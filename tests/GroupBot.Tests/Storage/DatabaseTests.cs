using GroupBot.Storage;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace GroupBot.Tests.Storage;

public sealed class Row
{
    public long Id { get; set; }
    public long ChatId { get; set; }
    public string Text { get; set; } = "";
}

public sealed class FirstUseRow
{
    public long Id { get; set; }
    public long ChatId { get; set; }
    public string Text { get; set; } = "";
}

public sealed class DatabaseTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp();

    public void Dispose() => _dir.Dispose();

    private static Table<long, Row> Rows(Database db, string name = "rows") =>
        db.Table<long, Row>(name, r => r.Id, (r, id) => r.Id = id).Index("ChatId", r => r.ChatId);

    [Fact]
    public async Task A_unit_reads_its_own_writes_and_nobody_else_sees_them_before_the_commit()
    {
        using var db = new Database(_dir.File("u.db"));
        var rows = Rows(db);
        using var unit = db.Begin();
        rows.Insert(new Row { ChatId = 5, Text = "a" });
        Assert.Single(rows.Where("ChatId", 5L));
        Task<int> outside;
        using (ExecutionContext.SuppressFlow()) outside = Task.Run(() => rows.Where("ChatId", 5L).Count); // another event's flow
        var seenOutside = await outside;
        Assert.Equal(0, seenOutside);
        unit.Commit();
        Assert.Single(rows.Where("ChatId", 5L));
    }

    [Fact]
    public void A_loop_that_begins_a_unit_each_round_keeps_none_of_the_ended_ones()
    {
        // The poller's shape: a plain method begins and commits a unit (the commit awaits inside, so the ended unit stays
        // the loop's ambient one), once per getUpdates, for the bot's whole life.
        using var db = new Database(_dir.File("loop.db"));
        var rows = Rows(db);
        var first = BeginAndCommit(db, rows);
        for (var i = 0; i < 3; i++) BeginAndCommit(db, rows);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(first.IsAlive, "an ended unit (and every write it held) stays reachable from the next one");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference BeginAndCommit(Database db, Table<long, Row> rows)
    {
        var unit = db.Begin();
        rows.Insert(new Row { ChatId = 1, Text = new string('x', 1000) });
        unit.CommitAsync().GetAwaiter().GetResult();
        return new WeakReference(unit);
    }

    [Fact]
    public void A_unit_that_is_not_committed_changes_nothing_even_a_row_it_changed_in_place()
    {
        var path = _dir.File("r.db");
        using (var db = new Database(path))
        {
            var rows = Rows(db);
            var other = Rows(db, "other");
            db.Write(() => rows.Insert(new Row { ChatId = 1, Text = "before" }));
            using (db.Begin())
            {
                var row = rows.Get(1)!;
                row.Text = "changed"; // in place, as a handler does before it throws
                rows.Put(row);
                other.Insert(new Row { ChatId = 1, Text = "new" });
            }
            Assert.Equal("before", rows.Get(1)!.Text);
            Assert.Equal(0, other.Count);
        }
        using var reopened = new Database(path);
        Assert.Equal("before", Rows(reopened).Get(1)!.Text);
        Assert.Equal(0, Rows(reopened, "other").Count);
    }

    [Fact]
    public void A_committed_unit_survives_a_crash_before_it_reached_the_LiteDB_file()
    {
        var path = _dir.File("c.db");
        var time = new FakeTimeProvider(); // the writer behind never runs: the units are in the journal only
        using var db = new Database(path, time: time);
        var rows = Rows(db);
        for (var i = 0; i < 50; i++) db.Write(() => { rows.Insert(new Row { ChatId = i % 3, Text = $"r{i}" }); rows.Insert(new Row { ChatId = 9 }); });
        db.Write(() => rows.Delete(2));

        // What a crash leaves on disk, read the way a restart reads it (the read-only copy replays the journal).
        using var image = new Database(path, readOnly: true);
        var restored = Rows(image);
        Assert.Equal(99, restored.Count);
        Assert.Null(restored.Get(2));
        Assert.Equal("r49", restored.Get(99)!.Text);
    }

    [Fact]
    public void A_torn_last_journal_record_is_ignored_and_the_ones_before_it_are_kept()
    {
        var path = _dir.File("t.db");
        using (var db = new Database(path, time: new FakeTimeProvider()))
        {
            var rows = Rows(db);
            db.Write(() => rows.Insert(new Row { Text = "kept" }));
            db.Write(() => rows.Insert(new Row { Text = "torn" }));
            // Copy the files as a crash would leave them, with the second record cut short.
            var journal = Directory.GetFiles(_dir.Path, "t-journal-*").Single();
            var copyDir = Path.Combine(_dir.Path, "crash");
            Directory.CreateDirectory(copyDir);
            File.Copy(path, Path.Combine(copyDir, "t.db"));
            var bytes = File.ReadAllBytes(journal);
            File.WriteAllBytes(Path.Combine(copyDir, Path.GetFileName(journal)), bytes[..^5]);
        }
        using var restarted = new Database(Path.Combine(_dir.Path, "crash", "t.db"));
        var restored = Rows(restarted);
        Assert.Equal(["kept"], restored.All().Select(r => r.Text));
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir.Path, "crash"), "t-journal-*")); // replayed into the file
    }

    [Fact]
    public async Task Many_units_at_once_share_fsyncs_and_all_land()
    {
        var path = _dir.File("g.db");
        long syncs;
        using (var db = new Database(path))
        {
            var rows = Rows(db);
            var tasks = Enumerable.Range(0, 2000).Select(i => Task.Run(async () =>
            {
                using var unit = db.Begin();
                rows.Insert(new Row { ChatId = i, Text = "x" });
                if (i % 10 == 0) rows.Delete(rows.Where("ChatId", (long)i - 5).FirstOrDefault()?.Id ?? 0);
                await unit.CommitAsync();
            })).ToList();
            await Task.WhenAll(tasks);
            syncs = db.JournalStats.Syncs;
            await db.WriteBehind();
        }
        Assert.InRange(syncs, 1, 1999); // group commit: fewer fsyncs than units
        using var reopened = new Database(path);
        Assert.InRange(Rows(reopened).Count, 1800, 2000);
        Assert.Empty(Directory.GetFiles(_dir.Path, "g-journal-*")); // a clean stop leaves everything in the file
    }

    [Fact]
    public void Two_units_committing_rows_of_a_new_type_at_once_both_store_every_field()
    {
        var path = _dir.File("first.db");
        using (var db = new Database(path))
        {
            var rows = db.Table<long, FirstUseRow>("first", r => r.Id);
            Thread? other = null;
            // Called while the mapper builds a type's mapping (LiteDB 5.0.21 has it in its cache by then, members not yet).
            db.Mapper.ResolveMember = (type, _, _) =>
            {
                if (type != typeof(FirstUseRow) || other is not null) return;
                other = new Thread(() => db.Write(() => rows.Put(new FirstUseRow { Id = 2, ChatId = 22, Text = "b" })));
                other.Start();
                // The other unit serializes its row now, or waits until the mapping is complete (no clock: it runs or blocks).
                while ((other.ThreadState & (ThreadState.WaitSleepJoin | ThreadState.Stopped)) == 0) Thread.Yield();
            };
            db.Write(() => rows.Put(new FirstUseRow { Id = 1, ChatId = 11, Text = "a" }));
            other!.Join();
        }
        using var reopened = new Database(path);
        var stored = reopened.Table<long, FirstUseRow>("first", r => r.Id).All().OrderBy(r => r.Id).Select(r => (r.Id, r.ChatId, r.Text));
        Assert.Equal([(1L, 11L, "a"), (2L, 22L, "b")], stored);
    }

    [Fact]
    public async Task A_journal_that_cannot_be_written_holds_the_commit_until_it_can_and_loses_nothing()
    {
        var path = _dir.File("f.db");
        var time = new FakeTimeProvider();
        var disk = new FlakyDisk();
        using (var db = new Database(path, time: time, openJournal: disk.Open))
        {
            var rows = Rows(db);
            disk.Full = true;
            Task commit;
            using (var unit = db.Begin())
            {
                rows.Insert(new Row { Text = "waits" });
                commit = unit.CommitAsync();
            }
            for (var i = 0; i < 50 && db.JournalStats.Failures == 0; i++) await Task.Delay(20);
            Assert.True(db.JournalStats.Failures > 0);
            Assert.False(commit.IsCompleted); // not acknowledged: nothing it produced may be sent yet
            disk.Full = false;
            time.Advance(Journal.RetryDelay);
            await commit.WaitAsync(TimeSpan.FromSeconds(10));
        }
        using var reopened = new Database(path);
        Assert.Equal(["waits"], Rows(reopened).All().Select(r => r.Text));
    }

    [Fact]
    public void Rows_of_a_chat_move_to_its_new_id_in_every_table()
    {
        using var db = new Database(_dir.File("m.db"));
        var rows = Rows(db);
        var keyed = db.Table<string, Row>("keyed", r => $"{r.ChatId}:{r.Text}");
        db.Write(() =>
        {
            rows.Insert(new Row { ChatId = -1, Text = "a" });
            keyed.Put(new Row { ChatId = -1, Text = "b" });
        });
        db.Write(() => db.MigrateChat(-1, -100));
        Assert.Single(rows.Where("ChatId", -100L));
        Assert.Null(keyed.Get("-1:b"));
        Assert.NotNull(keyed.Get("-100:b"));
    }

    [Fact]
    public async Task Rows_put_and_deleted_between_two_copies_and_rows_deleted_after_one_leave_the_file_as_committed()
    {
        var path = _dir.File("w.db");
        using (var db = new Database(path))
        {
            var rows = Rows(db);
            db.Write(() =>
            {
                for (var i = 1; i <= 6; i++) rows.Put(new Row { Id = i, Text = "v1" });
            });
            db.Write(() =>
            {
                rows.Delete(1); // put and deleted before any copy: never reaches the file
                rows.Delete(2);
                rows.Put(new Row { Id = 2, Text = "again" }); // deleted and put again: the last one counts
            });
            await db.WriteBehind();
            Assert.Contains(("rows", 5), db.Check());
            db.Write(() =>
            {
                rows.Delete(3); // in the file now: the copy deletes it there
                rows.Delete(4);
                rows.Put(new Row { Id = 4, Text = "back" });
                rows.Put(new Row { Id = 7, Text = "new" });
                rows.Delete(7);
            });
            await db.WriteBehind();
            Assert.Contains(("rows", 4), db.Check());
        }
        using var reopened = new Database(path);
        Assert.Equal(["2:again", "4:back", "5:v1", "6:v1"], Rows(reopened).All().OrderBy(r => r.Id).Select(r => $"{r.Id}:{r.Text}"));
    }
}
