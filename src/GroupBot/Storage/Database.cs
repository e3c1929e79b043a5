using LiteDB;
using LiteDB.Engine;

namespace GroupBot.Storage;

/// <summary>The one LiteDB file; one instance serves every chat (writes pass one gate: see SerializedWritesEngine).</summary>
public sealed class Database : IDisposable
{
    private readonly LiteDatabase _db;
    private readonly string? _snapshot;

    /// <param name="readOnly">for reports: reads a copy of the file, so a running bot keeps its own</param>
    /// <param name="flushEveryCommit">force each commit to the disk (see StorageOptions.FlushEveryCommit)</param>
    public Database(string path, bool readOnly = false, bool flushEveryCommit = true)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (readOnly)
        {
            // The bot holds the file exclusively; a snapshot copy lets a report read while it runs.
            // LiteDB keeps recent writes in "<name>-log.db" until a checkpoint: the copy takes both.
            var copy = Path.Combine(Path.GetTempPath(), $"groupbot-report-{Guid.NewGuid():N}.db");
            Copy(full, copy);
            var log = LogPathOf(full);
            if (File.Exists(log)) Copy(log, LogPathOf(copy));
            full = copy;
            _snapshot = copy;
        }
        var settings = flushEveryCommit
            ? new EngineSettings { Filename = full }
            : new EngineSettings { DataStream = new OsBufferedFile(full), LogStream = new OsBufferedFile(LogPathOf(full)) };
        _db = new LiteDatabase(new SerializedWritesEngine(new LiteEngine(settings)), mapper: null, disposeOnClose: true);
        // LiteDB hands dates back in local time unless told otherwise; the bot works in UTC throughout.
        _db.UtcDate = true;
        FilePath = full;
    }

    public string FilePath { get; }

    public ILiteCollection<T> Collection<T>(string name) => _db.GetCollection<T>(name);

    public string? GetValue(string key) =>
        _db.GetCollection("state").FindById(key)?["value"].AsString;

    public void SetValue(string key, string value) =>
        _db.GetCollection("state").Upsert(new BsonDocument { ["_id"] = key, ["value"] = value });

    /// <summary>
    /// Moves every document that belongs to <paramref name="oldChatId"/> to <paramref name="newChatId"/>,
    /// in every collection that has a ChatId field, so features need not know about migration.
    /// </summary>
    public int MigrateChat(long oldChatId, long newChatId)
    {
        var moved = 0;
        _db.BeginTrans();
        try
        {
            foreach (var name in _db.GetCollectionNames().ToList())
            {
                var col = _db.GetCollection(name);
                foreach (var doc in col.Find(Query.EQ("ChatId", oldChatId)).ToList())
                {
                    doc["ChatId"] = newChatId;
                    col.Update(doc);
                    moved++;
                }
            }
            _db.Commit();
        }
        catch
        {
            _db.Rollback();
            throw;
        }
        return moved;
    }

    /// <summary>Runs <paramref name="work"/> as one LiteDB transaction. LiteDB binds a transaction to the thread, so work must not await.</summary>
    public T InTransaction<T>(Func<T> work)
    {
        _db.BeginTrans();
        try
        {
            var result = work();
            _db.Commit();
            return result;
        }
        catch
        {
            _db.Rollback();
            throw;
        }
    }

    /// <summary>Where LiteDB keeps recent commits until a checkpoint moves them into the file.</summary>
    private static string LogPathOf(string file) => Path.ChangeExtension(file, null) + "-log" + Path.GetExtension(file);

    /// <summary>A file whose flushes stop at the operating system: LiteDB's fsync per commit is skipped.</summary>
    private sealed class OsBufferedFile(string path) : FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096)
    {
        public override void Flush(bool flushToDisk) => base.Flush(false);
    }

    private static void Copy(string from, string to)
    {
        using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var target = File.Create(to);
        source.CopyTo(target);
    }

    public void Dispose()
    {
        _db.Dispose();
        if (_snapshot is null) return;
        File.Delete(_snapshot);
        File.Delete(LogPathOf(_snapshot));
    }
}
