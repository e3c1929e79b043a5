using LiteDB;
using LiteDB.Engine;
using Microsoft.Extensions.Logging;

namespace GroupBot.Storage;

/// <summary>
/// The bot's store. Every table lives in memory (see <see cref="Table{TKey,TRow}"/>); an event's writes are one
/// <see cref="Unit"/>, made durable by the <see cref="Journal"/> (group commit: one fsync for all units waiting) and
/// written behind into the LiteDB file in large batches, where a row changed many times is written once. At start the
/// journal's segments are replayed into LiteDB, so a crash loses no acknowledged unit. LiteDB types stay in here and in
/// the tables; stores and features see plain classes.
/// </summary>
public sealed class Database : IDisposable
{
    private readonly LiteDatabase _lite;
    private readonly string? _snapshot;
    private readonly Journal? _journal;
    private readonly ILogger? _log;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, ITable> _tables = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writeBehind = Task.CompletedTask;
    private readonly SemaphoreSlim _writingBehind = new(1, 1);
    private readonly Table<string, StoredValue> _values;
    private readonly FileStream? _lock;
    private bool _broken;
    private readonly WatchedStream? _dataStream;
    private readonly WatchedStream? _logStream;

    internal Lock Gate { get; } = new();

    /// <summary>Rows to and from documents: only through <see cref="ToDocument{T}"/> and <see cref="ToObject{T}"/>, under <see cref="_mapperLock"/>.</summary>
    internal BsonMapper Mapper { get; } = new() { EmptyStringToNull = false, TrimWhitespace = false };

    /// <summary>
    /// LiteDB's mapper is not safe when two threads use a type for the first time: 5.0.21 puts a type's EntityMapper in
    /// its cache before it fills in the members (litedb-org/LiteDB#2536, #2565), so a unit committing on another thread
    /// serializes against a half-built member list ("Collection was modified", or a document missing fields). Units
    /// commit on many threads at once, so every use of the mapper takes this lock.
    /// </summary>
    private readonly Lock _mapperLock = new();

    /// <summary>Rows straight to BSON (the mapper's bytes, without its documents or its lock).</summary>
    internal RowCodec Codec { get; }

    internal T ToObject<T>(BsonDocument doc)
    {
        lock (_mapperLock) return Mapper.ToObject<T>(doc);
    }

    /// <summary>How often the journal's writes are copied into the LiteDB file.</summary>
    public static readonly TimeSpan WriteBehindInterval = TimeSpan.FromSeconds(2);

    /// <param name="readOnly">for reports: reads a copy of the file (and its journal), so a running bot keeps its own</param>
    /// <param name="openJournal">test hook: how a journal segment file is opened (to make writes fail)</param>
    /// <param name="openLiteLog">test hook: the stream LiteDB writes its log to (to make the copy into the file fail)</param>
    public Database(string path, bool readOnly = false, TimeProvider? time = null, ILogger? log = null, Func<string, Stream>? openJournal = null,
        Func<string, Stream>? openLiteLog = null)
    {
        _time = time ?? TimeProvider.System;
        _log = log;
        Codec = new RowCodec(Mapper, _mapperLock);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (readOnly)
        {
            // The bot holds the file exclusively; a snapshot copy lets a report read while it runs. LiteDB keeps recent
            // writes in "<name>-log.db" until a checkpoint, and the newest ones are only in the journal: the copy takes all.
            var copy = Path.Combine(Path.GetTempPath(), $"groupbot-report-{Guid.NewGuid():N}.db");
            Copy(full, copy);
            if (File.Exists(LogPathOf(full))) Copy(LogPathOf(full), LogPathOf(copy));
            foreach (var (n, segment) in Journal.Segments(JournalPrefix(full))) Copy(segment, Journal.SegmentPath(JournalPrefix(copy), n));
            full = copy;
            _snapshot = copy;
        }
        FilePath = full;
        if (!readOnly)
        {
            _lock = TakeLock(full);
            CheckBeforeOpen(full);
        }
        int next;
        try
        {
            _dataStream = new WatchedStream(new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 8192));
            _logStream = new WatchedStream(openLiteLog?.Invoke(LogPathOf(full))
                ?? new FileStream(LogPathOf(full), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 8192));
            var settings = new EngineSettings { DataStream = _dataStream, LogStream = _logStream };
            _lite = new LiteDatabase(new SerializedWritesEngine(new LiteEngine(settings)), Mapper, disposeOnClose: true);
            // LiteDB hands dates back in local time unless told otherwise; the bot works in UTC throughout.
            _lite.UtcDate = true;
            next = Replay();
        }
        catch (Exception ex) when (IsDamage(ex))
        {
            _lock?.Dispose();
            // Callers see no LiteDB type: a file that cannot be opened is an I/O problem to them.
            throw Damaged(full, ex.Message);
        }
        if (!readOnly && !File.Exists(MarkerPathOf(full)))
            File.WriteAllText(MarkerPathOf(full), $"GroupBot database {Path.GetFileName(full)} created {_time.GetUtcNow():u}\n");
        _values = Table<string, StoredValue>("state", v => v.Id);
        if (readOnly) return;
        _journal = new Journal(JournalPrefix(full), next, openJournal, _time, log);
        _writeBehind = WriteBehindLoop();
    }

    public string FilePath { get; }

    /// <summary>Raised once when the file cannot be written any more (the host stops the bot with this line).</summary>
    public event Action<string>? Failed;

    /// <summary>fsyncs of the journal so far, and journal writes that failed.</summary>
    public (long Syncs, long Failures) JournalStats => _journal is null ? (0, 0) : (Interlocked.Read(ref _journal.Syncs), Interlocked.Read(ref _journal.Failures));

    /// <summary>
    /// The table of a row type, loaded from its LiteDB collection on first use. <paramref name="key"/> gives a row's key;
    /// <paramref name="setKey"/>, for numbered rows, sets the key Insert draws (the highest stored + 1).
    /// </summary>
    public Table<TKey, TRow> Table<TKey, TRow>(string name, Func<TRow, TKey> key, Action<TRow, TKey>? setKey = null)
        where TKey : notnull where TRow : class
    {
        lock (_tables)
        {
            if (_tables.TryGetValue(name, out var existing)) return (Table<TKey, TRow>)existing;
            var table = new Table<TKey, TRow>(this, name, key, setKey, Load<TKey, TRow>(name, key));
            _tables[name] = table;
            return table;
        }
    }

    /// <summary>A collection's rows, with keys from older versions (LiteDB ObjectIds) rewritten to the table's own.</summary>
    private List<TRow> Load<TKey, TRow>(string name, Func<TRow, TKey> key) where TRow : class
    {
        var col = _lite.GetCollection(name);
        List<BsonDocument> docs;
        try
        {
            docs = col.FindAll().ToList();
        }
        catch (Exception ex) when (IsDamage(ex))
        {
            throw Damaged(FilePath, $"collection {name}: {ex.Message}");
        }
        var numeric = typeof(TKey) == typeof(int) || typeof(TKey) == typeof(long);
        var highest = numeric ? docs.Where(d => d["_id"].IsNumber).Select(d => d["_id"].AsInt64).DefaultIfEmpty(0).Max() : 0;
        var rows = new List<TRow>(docs.Count);
        foreach (var doc in docs)
        {
            var oldId = doc["_id"];
            if (numeric && !oldId.IsNumber) doc["_id"] = typeof(TKey) == typeof(int) ? new BsonValue((int)++highest) : new BsonValue(++highest);
            var row = ToObject<TRow>(doc);
            rows.Add(row);
            var id = new BsonValue(key(row));
            if (id == oldId) continue;
            doc["_id"] = id;
            col.Delete(oldId);
            col.Upsert(doc);
        }
        return rows;
    }

    /// <summary>Starts a unit of work; it is the ambient unit of this async flow until committed or disposed.</summary>
    public Unit Begin() => new(this);

    /// <summary>Runs <paramref name="work"/> in a unit of its own and waits until it is durable (start-up and tools).</summary>
    public T Write<T>(Func<T> work)
    {
        using var unit = Begin();
        var result = work();
        unit.Commit();
        return result;
    }

    public void Write(Action work) => Write(() => { work(); return true; });

    internal Task Commit(Unit unit)
    {
        if (!unit.HasWrites) return Task.CompletedTask;
        if (_journal is null) throw new InvalidOperationException("A read-only database takes no writes");
        var writes = unit.Writes;
        var docs = new byte[]?[writes.Count];
        var ops = new (string, BsonValue, byte[]?)[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            var w = writes[i];
            docs[i] = w.Row is null ? null : w.Table.ToBson(w.Key, w.Row);
            ops[i] = (w.Table.Name, w.Table.KeyToBson(w.Key), docs[i]);
        }
        var record = BsonWriter.Record(ops);
        lock (Gate)
        {
            for (var i = 0; i < writes.Count; i++) writes[i].Table.Apply(writes[i].Key, writes[i].Row, docs[i]);
            return _journal.Append(record);
        }
    }

    internal void Restore(Unit unit)
    {
        foreach (var (table, key) in unit.Touched.Distinct()) table.Restore(key);
    }

    internal BsonDocument? ReadStored(string collection, BsonValue id) => _lite.GetCollection(collection).FindById(id);

    public string? GetValue(string key) => _values.Get(key)?.Value;

    /// <summary>Sets a value in the current unit, or in a unit of its own when there is none.</summary>
    public void SetValue(string key, string value) => _values.Put(new StoredValue { Id = key, Value = value });

    /// <summary>
    /// Moves every row that belongs to <paramref name="oldChatId"/> to <paramref name="newChatId"/>, in every table whose
    /// rows have a ChatId, in the current unit, so features need not know about migration.
    /// </summary>
    public void MigrateChat(long oldChatId, long newChatId)
    {
        List<ITable> tables;
        lock (_tables) tables = [.. _tables.Values];
        foreach (var table in tables) table.MigrateChat(oldChatId, newChatId);
    }

    /// <summary>Copies the journal's segments into LiteDB (a crash or stop before their writes reached it) and deletes them.</summary>
    private int Replay()
    {
        var segments = Journal.Segments(JournalPrefix(FilePath));
        if (segments.Count == 0) return 1;
        var units = 0;
        _lite.BeginTrans();
        try
        {
            foreach (var (_, path) in segments)
                foreach (var record in Journal.Read(path))
                {
                    foreach (var op in BsonSerializer.Deserialize(record, utcDate: true)["w"].AsArray)
                    {
                        var col = _lite.GetCollection(op["t"].AsString);
                        if (op["d"].IsNull) col.Delete(op["k"]);
                        else col.Upsert(op["d"].AsDocument);
                    }
                    units++;
                }
            _lite.Commit();
        }
        catch
        {
            _lite.Rollback();
            throw;
        }
        _lite.Checkpoint();
        foreach (var (_, path) in segments) File.Delete(path);
        _log?.LogInformation("Storage: {Units} units from the journal replayed into {File}", units, FilePath);
        return segments[^1].Segment + 1;
    }

    private async Task WriteBehindLoop()
    {
        await Task.Yield();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(WriteBehindInterval, _time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                // On a thread of its own: the copy into LiteDB is long, synchronous work, and on a pool thread it would hold up
                // the events waiting for one (a machine with one core has one pool thread to begin with).
                await Task.Factory.StartNew(() =>
                {
                    // The copy can wait; replies cannot: on a busy core the events' threads go first.
                    LowerThisThreadsPriority();
                    WriteBehindOnThisThread();
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // LiteDB keeps failing once one of its writes failed (its writer stores the error): the bot must not run
                // on. Nothing is lost: the journal holds every unit and is replayed at the next start.
                var message = $"Storage: {FilePath} could not be written ({ex.Message}); the bot stops. Nothing is lost: the journal beside it is replayed at the next start. Free disk space, check the disk, then start the bot again.";
                _log?.LogCritical("{Message}", message);
                Failed?.Invoke(message);
                return;
            }
        }
    }

    /// <summary>
    /// Makes the calling thread (the writer behind's own) yield to the others on a busy core: on Linux a thread has a nice
    /// value of its own. Every 2 s it copied for tens of milliseconds at the same weight as the events and made replies wait.
    /// </summary>
    private static void LowerThisThreadsPriority()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = SetPriority(0 /* PRIO_PROCESS: with a thread id, that thread */, GetTid(), 10);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without these: the copy runs at normal priority, as it always did.
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    /// <summary>Writes every committed change not yet in the LiteDB file into it, then drops the journal segments it covered.</summary>
    public async Task WriteBehind()
    {
        await _writingBehind.WaitAsync();
        try
        {
            await WriteBehindLocked();
        }
        finally
        {
            _writingBehind.Release();
        }
    }

    /// <summary>The same, all on the calling thread (the writer behind's own, at its lower priority).</summary>
    private void WriteBehindOnThisThread()
    {
        _writingBehind.Wait();
        try
        {
            if (TakeDirty() is not { } taken) return;
            _journal!.WhenDurable(taken.Segment).GetAwaiter().GetResult();
            CopyIntoLite(taken);
        }
        finally
        {
            _writingBehind.Release();
        }
    }

    private async Task WriteBehindLocked()
    {
        if (TakeDirty() is not { } taken) return;
        await _journal!.WhenDurable(taken.Segment);
        CopyIntoLite(taken);
    }

    private sealed record Taken(int Segment, List<(ITable Table, Dictionary<object, byte[]?> Dirty, HashSet<object> Fresh)> Batch);

    /// <summary>Starts a new journal segment and takes the writes of the ones before it (null for a read-only database).</summary>
    private Taken? TakeDirty()
    {
        if (_journal is null) return null;
        List<ITable> tables;
        lock (_tables) tables = [.. _tables.Values];
        lock (Gate)
        {
            var segment = _journal.Rotate();
            return new Taken(segment, tables.Select(t => (t, t.TakeDirty(out var fresh), fresh)).Where(b => b.Item2.Count > 0).ToList());
        }
    }

    /// <summary>Copies taken writes into LiteDB in one transaction; once they are in the file, their journal segments go.</summary>
    private void CopyIntoLite(Taken taken)
    {
        var (segment, batch) = taken;
        if (batch.Count > 0)
        {
            try
            {
                _lite.BeginTrans();
                foreach (var (table, dirty, fresh) in batch)
                {
                    var col = _lite.GetCollection(table.Name);
                    foreach (var (key, bytes) in dirty)
                    {
                        if (bytes is null)
                        {
                            col.Delete(table.KeyToBson(key));
                            continue;
                        }
                        // Made here, once per row and copy, rather than at every commit of the row.
                        var doc = BsonSerializer.Deserialize(bytes, utcDate: true);
                        // A row LiteDB does not have yet: Upsert would search its index for it first, in vain.
                        if (fresh.Contains(key)) col.Insert(doc);
                        else col.Upsert(doc);
                    }
                }
                _lite.Commit();
                _lite.Checkpoint();
                // LiteDB's own writer may have failed behind its back: only what reached the disk counts.
                if ((_logStream?.Fault ?? _dataStream?.Fault) is { } fault) throw new IOException(fault.Message, fault);
            }
            catch
            {
                // Nothing is lost: the journal keeps these writes (no segment is deleted from now on).
                _broken = true;
                lock (Gate)
                    foreach (var (table, dirty, _) in batch) table.Unfreeze(dirty);
                try
                {
                    _lite.Rollback();
                }
                catch (Exception)
                {
                    // LiteDB may refuse even that after a failed write; the journal is what counts.
                }
                throw;
            }
        }
        lock (Gate)
            foreach (var (table, _, _) in batch) table.DropFrozen();
        // After a failed copy, LiteDB's file may lack what earlier segments hold: they all stay for the next start.
        if (!_broken) _journal!.DeleteThrough(segment);
    }

    /// <summary>
    /// Reads every collection through, as the bot's tables will: a damaged page shows up here, not as a command that
    /// never answers. Returns each collection with its number of rows.
    /// </summary>
    public IReadOnlyList<(string Collection, int Rows)> Check()
    {
        var found = new List<(string, int)>();
        foreach (var name in _lite.GetCollectionNames().Order(StringComparer.Ordinal).ToList())
        {
            try
            {
                found.Add((name, _lite.GetCollection(name).FindAll().Count()));
            }
            catch (Exception ex) when (IsDamage(ex))
            {
                throw Damaged(FilePath, $"collection {name}: {ex.Message}");
            }
        }
        return found;
    }

    /// <summary>
    /// A consistent copy of the database, taken while the bot runs: everything committed so far is written into the file
    /// first, and no write reaches it while it is copied. Returns the copy's path.
    /// </summary>
    public async Task<string> BackupAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(FilePath)}-{_time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}{Path.GetExtension(FilePath)}");
        await _writingBehind.WaitAsync();
        try
        {
            if (_journal is not null) await WriteBehindLocked();
            _lite.Checkpoint();
            Copy(FilePath, target + ".part");
            File.Move(target + ".part", target, overwrite: true);
        }
        finally
        {
            _writingBehind.Release();
        }
        return target;
    }

    /// <summary>Copies the (read-only, replayed) database file: a snapshot's copy is a complete database.</summary>
    public void CopyTo(string target)
    {
        _lite.Checkpoint();
        Copy(FilePath, target + ".part");
        File.Move(target + ".part", target, overwrite: true);
    }

    /// <summary>The database file and everything beside it that holds its data (LiteDB's log, journal segments).</summary>
    public static IReadOnlyList<string> FilesOf(string file)
    {
        file = Path.GetFullPath(file);
        var files = new List<string>();
        if (File.Exists(file)) files.Add(file);
        if (File.Exists(LogPathOf(file))) files.Add(LogPathOf(file));
        files.AddRange(Journal.Segments(JournalPrefix(file)).Select(s => s.Path));
        return files;
    }

    /// <summary>Where a previous run leaves its mark, so a vanished file is not taken for a new install.</summary>
    public static string MarkerPathOf(string file) => Path.ChangeExtension(file, null) + ".marker";

    /// <summary>The file that says a bot has the database open (a second one, or a restore, must wait).</summary>
    public static string LockPathOf(string file) => Path.GetFullPath(file) + ".lock";

    private static FileStream TakeLock(string file)
    {
        try
        {
            return new FileStream(LockPathOf(file), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new IOException($"{file} is in use by another GroupBot (or a tool): stop it first ({LockPathOf(file)})");
        }
    }

    /// <summary>A missing, empty or cut file where a database was before is refused, never started afresh.</summary>
    private static void CheckBeforeOpen(string file)
    {
        var info = new FileInfo(file);
        var marker = MarkerPathOf(file);
        if (!info.Exists || info.Length == 0)
        {
            if (!File.Exists(marker)) return; // a new install
            throw new IOException($"{file} is {(info.Exists ? "empty" : "missing")}, but a database was kept here before ({marker}): "
                + "restore the newest backup with `db restore <file>`, or delete the marker to start with an empty database");
        }
        if (info.Length % 8192 != 0)
            throw Damaged(file, $"its size ({info.Length} bytes) is not a whole number of 8 KiB pages: the file was cut short");
    }

    /// <summary>What LiteDB throws when a file's pages do not read as it expects.</summary>
    private static bool IsDamage(Exception ex) =>
        ex is LiteException or InvalidCastException or InvalidOperationException or IndexOutOfRangeException or ArgumentException;

    private static IOException Damaged(string file, string detail) =>
        new($"{file} is damaged ({detail}): restore a backup with `db restore <file>` (see `db check`)");

    /// <summary>Where LiteDB keeps recent commits until a checkpoint moves them into the file.</summary>
    private static string LogPathOf(string file) => Path.ChangeExtension(file, null) + "-log" + Path.GetExtension(file);

    private static string JournalPrefix(string file) => Path.ChangeExtension(file, null) + "-journal-";

    private static void Copy(string from, string to)
    {
        using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var target = File.Create(to);
        source.CopyTo(target);
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _writeBehind.Wait();
        }
        catch (AggregateException)
        {
        }
        _journal?.Dispose();
        try
        {
            // A clean stop leaves everything in the LiteDB file and no journal behind.
            if (_journal is not null) WriteBehind().GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            _log?.LogError("Storage: the last copy into {File} failed ({Error}); the journal is replayed at the next start", FilePath, ex.Message);
        }
        try
        {
            _lite.Dispose();
        }
        catch (Exception ex) when (_logStream?.Fault is not null || _dataStream?.Fault is not null)
        {
            _log?.LogError("Storage: closing {File} after a failed write: {Error}", FilePath, ex.Message);
        }
        _dataStream?.Dispose();
        _logStream?.Dispose();
        if (_logStream is not null && File.Exists(LogPathOf(FilePath)) && new FileInfo(LogPathOf(FilePath)).Length == 0) File.Delete(LogPathOf(FilePath));
        _lock?.Dispose();
        if (_snapshot is null) return;
        File.Delete(_snapshot);
        File.Delete(LogPathOf(_snapshot));
    }
}

/// <summary>A named value (the Telegram update offset, the local chat's last message id).</summary>
public sealed class StoredValue
{
    public string Id { get; set; } = "";
    public string Value { get; set; } = "";
}
