namespace GroupBot.Tests.Support;

/// <summary>A journal file whose writes fail with "no space left" while Full is set.</summary>
public sealed class FlakyDisk
{
    public volatile bool Full;

    public Stream Open(string path) => new Flaky(this, new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read));

    private sealed class Flaky(FlakyDisk disk, FileStream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => true;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush()
        {
            if (disk.Full) throw new IOException("No space left on device");
            inner.Flush(true);
        }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => inner.SetLength(value);
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (disk.Full) throw new IOException("No space left on device");
            inner.Write(buffer, offset, count);
        }
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>A read-write file (as LiteDB wants its log) whose writes fail with "no space left" while Full is set.</summary>
public sealed class FlakyFile(string path) : FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite)
{
    public static volatile bool Full;

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (Full) throw new IOException("No space left on device");
        base.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Full) throw new IOException("No space left on device");
        base.Write(buffer);
    }

    public override void Flush(bool flushToDisk)
    {
        if (Full) throw new IOException("No space left on device");
        base.Flush(flushToDisk);
    }
}
