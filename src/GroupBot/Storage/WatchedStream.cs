namespace GroupBot.Storage;

/// <summary>
/// LiteDB's files, watched. LiteDB writes its log from a thread of its own: a failed write (disk full) surfaces only at
/// some later call, after a commit and even a checkpoint have returned as if all went well. Every write and flush goes
/// through here; the first failure is kept, and from then on the stream refuses everything, so the checkpoint that
/// would copy a half-written log into the data file stops first, and the writer behind sees the failure and keeps the
/// journal.
/// </summary>
internal sealed class WatchedStream(Stream inner) : Stream
{
    private Exception? _fault;

    public Exception? Fault => Volatile.Read(ref _fault);

    private T Guard<T>(Func<T> call)
    {
        if (Fault is { } fault) throw new IOException(fault.Message, fault);
        try
        {
            return call();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Interlocked.CompareExchange(ref _fault, ex, null);
            throw;
        }
    }

    private void Guard(Action call) => Guard(() => { call(); return true; });

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => Guard(() => inner.Length);
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override int Read(byte[] buffer, int offset, int count) => Guard(() => inner.Read(buffer, offset, count));
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void SetLength(long value) => Guard(() => inner.SetLength(value));
    public override void Write(byte[] buffer, int offset, int count) => Guard(() => inner.Write(buffer, offset, count));

    // LiteDB asks for durability with Flush(): pass it on to the disk.
    public override void Flush() => Guard(() =>
    {
        if (inner is FileStream file) file.Flush(flushToDisk: true);
        else inner.Flush();
    });

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
