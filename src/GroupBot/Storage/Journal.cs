using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Extensions.Logging;

namespace GroupBot.Storage;

/// <summary>
/// The write-ahead journal that makes a unit durable: each committed unit is one record (length, CRC-32, bytes)
/// appended to a segment file. One writer thread takes every record waiting, writes them in one go and fsyncs once:
/// a group commit, so a thousand chats' units cost one fsync, not a thousand. A torn last record (a crash mid-write)
/// fails its CRC and is ignored at start, as it was never acknowledged. Segments are deleted once LiteDB holds their
/// writes (see Database's writer behind). A write that fails (disk full) is retried until it succeeds: units wait,
/// nothing is acknowledged that is not on disk, and a message already sent is never sent again.
/// </summary>
internal sealed class Journal : IDisposable
{
    private readonly string _prefix;
    private readonly Func<string, Stream> _open;
    private readonly TimeProvider _time;
    private readonly ILogger? _log;
    private readonly object _lock = new(); // the queue; Monitor.Wait/Pulse need a plain object
    // The open segment file. Apart from the queue's lock: a commit must never wait for a write or an fsync under way.
    private readonly Lock _fileLock = new();
    private List<Record> _queue = [];
    private readonly Thread _writer;
    private readonly Dictionary<int, Task> _lastOfSegment = [];
    private int _segment;
    private int _openSegment = -1;
    private Stream? _file;
    private bool _stopping;
    private bool _writerWaiting;
    private DateTimeOffset _lastFailureLog = DateTimeOffset.MinValue;
    private readonly CancellationTokenSource _stop = new();
    private byte[] _buffer = new byte[1 << 16];

    /// <summary>How long a failed journal write waits before it is tried again.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public Journal(string prefix, int firstSegment, Func<string, Stream>? open, TimeProvider time, ILogger? log)
    {
        _prefix = prefix;
        _segment = firstSegment;
        _open = open ?? (path => new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1 << 16));
        _time = time;
        _log = log;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "journal" };
        _writer.Start();
    }

    /// <summary>fsyncs so far (for the benchmarks' count per update).</summary>
    public long Syncs;

    /// <summary>Failed writes so far.</summary>
    public long Failures;

    public static string SegmentPath(string prefix, int segment) => $"{prefix}{segment:D8}";

    /// <summary>Segment files present for this prefix, oldest first.</summary>
    public static List<(int Segment, string Path)> Segments(string prefix)
    {
        var dir = Path.GetDirectoryName(prefix)!;
        var name = Path.GetFileName(prefix);
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir, name + "*")
            .Select(p => (Ok: int.TryParse(Path.GetFileName(p)[name.Length..], out var n), N: n, P: p))
            .Where(s => s.Ok).OrderBy(s => s.N).Select(s => (s.N, s.P)).ToList();
    }

    /// <summary>The records of a segment file up to the first torn or damaged one.</summary>
    public static IEnumerable<byte[]> Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = new byte[8];
        while (true)
        {
            if (file.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8) yield break;
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (length <= 0 || length > 64 << 20) yield break;
            var payload = new byte[length];
            if (file.ReadAtLeast(payload, length, throwOnEndOfStream: false) < length) yield break;
            if (Crc32.HashToUInt32(payload) != crc) yield break;
            yield return payload;
        }
    }

    /// <summary>Queues a record; the task completes when it is on disk. Call in commit order (under the database gate).</summary>
    public Task Append(byte[] payload)
    {
        var record = new Record(payload, _segment, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            if (_stopping) throw new ObjectDisposedException(nameof(Journal));
            _queue.Add(record);
            _lastOfSegment[_segment] = record.Done.Task;
            // Waking the writer is a system call: only when it sleeps (while it writes, records simply queue up).
            if (_writerWaiting)
            {
                _writerWaiting = false; // one wake-up is enough, however many records arrive before it runs
                Monitor.Pulse(_lock);
            }
        }
        return record.Done.Task;
    }

    /// <summary>Later records go to a new segment; returns the old one (call under the database gate).</summary>
    public int Rotate()
    {
        lock (_lock) return _segment++;
    }

    /// <summary>Completes when every record of the segment is on disk.</summary>
    public Task WhenDurable(int segment)
    {
        lock (_lock) return _lastOfSegment.GetValueOrDefault(segment) ?? Task.CompletedTask;
    }

    /// <summary>Deletes the files of segments up to this one: LiteDB holds their writes.</summary>
    public void DeleteThrough(int segment)
    {
        lock (_lock)
        {
            foreach (var s in _lastOfSegment.Keys.Where(k => k <= segment).ToList()) _lastOfSegment.Remove(s);
        }
        foreach (var (n, path) in Segments(_prefix))
        {
            if (n > segment) break;
            lock (_fileLock)
            {
                if (n == _openSegment) CloseFile();
            }
            File.Delete(path);
        }
    }

    /// <summary>
    /// While units commit from many chats at once, an fsync starts at most this often: the records that arrive meanwhile
    /// share it. An fsync costs the same CPU for one record as for a hundred (a quarter of a millisecond here), and at
    /// 1,000 updates a second they took a sixth of the core. A lone unit (one record in the last batch) never waits.
    /// </summary>
    public static readonly TimeSpan GroupWindow = TimeSpan.FromMilliseconds(GroupWindowMs);

    private const int GroupWindowMs = 3;

    private void WriteLoop()
    {
        long lastSync = 0;
        var lastBatch = 0;
        while (true)
        {
            List<Record> batch;
            lock (_lock)
            {
                while (_queue.Count == 0 && !_stopping)
                {
                    _writerWaiting = true;
                    Monitor.Wait(_lock);
                }
                _writerWaiting = false;
                // A real-time wait, not the injectable clock's: it only groups fsyncs and never decides anything.
                var left = GroupWindow - System.Diagnostics.Stopwatch.GetElapsedTime(lastSync);
                if (lastBatch > 1 && left > TimeSpan.Zero && !_stopping) Monitor.Wait(_lock, left);
                if (_queue.Count == 0) return;
                batch = _queue;
                _queue = [];
            }
            lastSync = System.Diagnostics.Stopwatch.GetTimestamp();
            lastBatch = batch.Count;
            while (!TryWrite(batch))
            {
                lock (_lock)
                {
                    if (_stopping)
                    {
                        foreach (var r in batch) r.Done.TrySetException(new IOException("The journal could not be written before the bot stopped"));
                        return;
                    }
                }
                try
                {
                    Task.Delay(RetryDelay, _time, _stop.Token).Wait();
                }
                catch (AggregateException)
                {
                }
            }
            foreach (var r in batch) r.Done.TrySetResult();
        }
    }

    private bool TryWrite(List<Record> batch)
    {
        long start = -1;
        try
        {
            lock (_fileLock)
            {
                // Records are queued in segment order: each run of one segment is one write and one fsync.
                for (var first = 0; first < batch.Count;)
                {
                    var segment = batch[first].Segment;
                    var end = first;
                    var size = 0;
                    while (end < batch.Count && batch[end].Segment == segment) size += batch[end++].Payload.Length + 8;
                    var file = FileOf(segment);
                    start = file.Position;
                    // One buffer for the writer's life (it grows to the largest batch): a batch went to a new array each time.
                    if (_buffer.Length < size) _buffer = new byte[Math.Max(size, _buffer.Length * 2)];
                    var at = 0;
                    for (var i = first; i < end; i++)
                    {
                        var r = batch[i];
                        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(at), r.Payload.Length);
                        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(at + 4), Crc32.HashToUInt32(r.Payload));
                        r.Payload.CopyTo(_buffer, at + 8);
                        at += r.Payload.Length + 8;
                    }
                    file.Write(_buffer, 0, size);
                    first = end;
                    // A rare huge unit does not keep its buffer alive.
                    if (_buffer.Length > 4 << 20) _buffer = new byte[1 << 16];
                    if (file is FileStream fs) fs.Flush(flushToDisk: true);
                    else file.Flush();
                    Interlocked.Increment(ref Syncs);
                    start = -1;
                }
            }
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Interlocked.Increment(ref Failures);
            var now = _time.GetUtcNow();
            if (now - _lastFailureLog >= TimeSpan.FromMinutes(1))
            {
                _lastFailureLog = now;
                _log?.LogCritical("Storage: the journal cannot be written ({Error}); nothing more is sent until it can, retrying every {Seconds}s",
                    ex.Message, RetryDelay.TotalSeconds);
            }
            lock (_fileLock)
            {
                // Cut a partly written batch off, so the retry does not leave a torn record in the middle of the file.
                try
                {
                    if (start >= 0 && _file is not null) _file.SetLength(start);
                    if (_file is not null && start >= 0) _file.Position = start;
                }
                catch (Exception)
                {
                    CloseFile();
                }
            }
            return false;
        }
    }

    private Stream FileOf(int segment)
    {
        if (_file is not null && _openSegment == segment) return _file;
        CloseFile();
        _file = _open(SegmentPath(_prefix, segment));
        _file.Seek(0, SeekOrigin.End);
        _openSegment = segment;
        return _file;
    }

    private void CloseFile()
    {
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
        }
        _file = null;
        _openSegment = -1;
    }

    /// <summary>Writes what is queued, then stops the writer.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _stopping = true;
            Monitor.Pulse(_lock);
        }
        _stop.Cancel();
        _writer.Join();
        lock (_fileLock) CloseFile();
    }

    private sealed record Record(byte[] Payload, int Segment, TaskCompletionSource Done);
}
