using GroupBot.Storage;
using GroupBot.Tests.Support;
using LiteDB;

namespace GroupBot.Tests.Storage;

public sealed class DatabaseTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The pattern that corrupts a bare LiteDB 5.0.20 file in most runs (inbox prune while the outbox and games insert):
    /// writers in two collections while a third thread deletes pages. With the write gate nothing fails and the file
    /// still reads and writes after it is reopened.
    /// </summary>
    [Fact]
    public void Deletes_racing_inserts_in_other_collections_leave_the_file_sound()
    {
        var path = _dir.File("race.db");
        var errors = new List<Exception>();
        using (var db = new Database(path))
        {
            void Guarded(Action write)
            {
                try { write(); }
                catch (Exception ex) { lock (errors) errors.Add(ex); }
            }
            var padding = new string('x', 2000); // fills pages quickly, so deletes free whole pages
            var threads = new List<Thread>();
            foreach (var name in new[] { "a", "b" })
            {
                threads.Add(new Thread(() =>
                {
                    var col = db.Collection<BsonDocument>(name);
                    for (var i = 0; i < 1500; i++) Guarded(() => col.Insert(new BsonDocument { ["p"] = padding }));
                }));
            }
            threads.Add(new Thread(() =>
            {
                var col = db.Collection<BsonDocument>("a");
                for (var i = 0; i < 200; i++) Guarded(() => col.DeleteAll());
            }));
            threads.Add(new Thread(() =>
            {
                for (var i = 0; i < 200; i++) Guarded(() => db.InTransaction(() => db.Collection<BsonDocument>("c").Insert(new BsonDocument { ["p"] = padding })));
            }));
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }
        Assert.Empty(errors.Select(e => e.Message).Distinct());

        using var reopened = new Database(path);
        Assert.Equal(1500, reopened.Collection<BsonDocument>("b").Count());
        Assert.Equal(200, reopened.Collection<BsonDocument>("c").Count());
        reopened.Collection<BsonDocument>("a").Insert(new BsonDocument { ["p"] = "after" });
    }

    [Fact]
    public void A_file_written_without_a_flush_per_commit_reopens_in_either_mode()
    {
        var path = _dir.File("buffered.db");
        using (var db = new Database(path, flushEveryCommit: false))
        {
            var col = db.Collection<BsonDocument>("t");
            for (var i = 1; i <= 500; i++) col.Insert(new BsonDocument { ["_id"] = i, ["p"] = new string('x', 500) });
            db.InTransaction(() => col.DeleteMany(Query.LTE("_id", 100)));
        }
        using (var db = new Database(path))
        {
            Assert.Equal(400, db.Collection<BsonDocument>("t").Count());
            db.Collection<BsonDocument>("t").Insert(new BsonDocument { ["_id"] = 1000 });
        }
        using var again = new Database(path, flushEveryCommit: false);
        Assert.Equal(401, again.Collection<BsonDocument>("t").Count());
    }

    [Fact]
    public void A_failed_transaction_rolls_back_and_frees_the_gate_for_other_threads()
    {
        using var db = new Database(_dir.File("tx.db"));
        var col = db.Collection<BsonDocument>("t");
        Assert.Throws<InvalidOperationException>(() => db.InTransaction<int>(() =>
        {
            col.Insert(new BsonDocument { ["_id"] = 1 });
            throw new InvalidOperationException("boom");
        }));
        Assert.Null(col.FindById(1));

        // Another thread can write at once: the failed transaction did not keep the gate.
        var other = new Thread(() => col.Insert(new BsonDocument { ["_id"] = 2 }));
        other.Start();
        Assert.True(other.Join(TimeSpan.FromSeconds(10)));
        Assert.NotNull(col.FindById(2));
    }
}
