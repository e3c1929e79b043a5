using System.Buffers.Binary;
using System.Security.Cryptography;

namespace GroupBot.Games;

/// <summary>
/// A deterministic stream from a secret seed, so anyone holding the revealed seed can re-derive every draw:
/// block i (i = 0, 1, …) is SHA-256(seed ‖ i as 8 bytes big-endian), read as four big-endian 64-bit numbers.
/// Below(n) takes the next number x and, rejecting x ≥ 2^64 − (2^64 mod n) to avoid bias, returns x mod n.
/// </summary>
public sealed class SeededRandom(byte[] seed)
{
    private readonly byte[] _seed = seed.ToArray();
    private readonly byte[] _block = new byte[32];
    private ulong _counter;
    private int _offset = 32;

    public ulong NextUInt64()
    {
        if (_offset == 32)
        {
            var input = new byte[_seed.Length + 8];
            _seed.CopyTo(input, 0);
            BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(_seed.Length), _counter++);
            SHA256.HashData(input, _block);
            _offset = 0;
        }
        var value = BinaryPrimitives.ReadUInt64BigEndian(_block.AsSpan(_offset));
        _offset += 8;
        return value;
    }

    /// <summary>Uniform in [0, n).</summary>
    public long Below(long n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var bound = (ulong)n;
        var limit = ulong.MaxValue - (ulong.MaxValue % bound + 1) % bound;
        ulong x;
        do x = NextUInt64(); while (x > limit);
        return (long)(x % bound);
    }
}

/// <summary>The one source of fresh randomness (secret seeds). Tests substitute fixed bytes.</summary>
public class Entropy
{
    public virtual byte[] NewSeed() => RandomNumberGenerator.GetBytes(32);
}
