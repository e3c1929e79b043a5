namespace GroupBot.Storage;

/// <summary>
/// LiteDB's files, watched. LiteDB writes its log from a thread of its own: a failed write (disk full) surfaces only at
/// some later call, after a commit and even a checkpoint have returned as if all went well, and its pages are then left
/// in a state its transaction finaliser cannot handle ("discarded page must be writable", which kills the process).
/// So a failed write is not passed to LiteDB at all: the first failure is kept (<see cref="Fault"/>), later writes are
/// dropped, and reads refuse, so the checkpoint that would copy a half-written log into the data file stops first. The
/// writer behind sees the fault, keeps the journal, and the bot stops.
/// </summary>
internal sealed class WatchedStream(Stream inner) : Stream
{
    private Exception? _fault;

    public Exception? Fault => Volatile.Read(ref _fault);

    private void Write(Action call)
    {
        if (Fault is not null) return;
        try
        {
            call();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Interlocked.CompareExchange(ref _fault, ex, null);
        }
    }

    private void RefuseAfterFault()
    {
        if (Fault is { } fault) throw new IOException("an earlier write failed: " + fault.Message, fault);
    }

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override int Read(byte[] buffer, int offset, int count)
    {
        RefuseAfterFault();
        return inner.Read(buffer, offset, count);
    }

    public override void SetLength(long value) => Write(() => inner.SetLength(value));
    public override void Write(byte[] buffer, int offset, int count) => Write(() => inner.Write(buffer, offset, count));

    // LiteDB asks for durability with Flush(): pass it on to the disk.
    public override void Flush() => Write(() =>
    {
        if (inner is FileStream file) file.Flush(flushToDisk: true);
        else inner.Flush();
    });

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                inner.Dispose();
            }
            catch (IOException)
            {
                // Its buffer could not be written either: the fault is known already.
            }
        }
        base.Dispose(disposing);
    }
}
