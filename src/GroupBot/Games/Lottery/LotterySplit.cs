using System.Security.Cryptography;

namespace GroupBot.Games.Lottery;

/// <summary>
/// WeChat's "double mean" red-packet split, made checkable: with R fen left for n shares a share is uniform in
/// [1, 2R/n − 1] fen (at least 1), the last share takes the rest, so the shares sum to the pot. The sequence is not
/// position-fair, so it is then shuffled (Fisher–Yates, same stream) and the k-th grabber gets the k-th share.
/// All draws come from <see cref="SeededRandom"/> over the seed revealed at settlement.
/// </summary>
public static class LotterySplit
{
    public static long[] Shares(long potFen, int slots, byte[] seed)
    {
        if (slots < 1) throw new ArgumentOutOfRangeException(nameof(slots));
        if (potFen < slots) throw new ArgumentOutOfRangeException(nameof(potFen), "The pot must hold at least one fen a share");
        var random = new SeededRandom(seed);
        var shares = DoubleMean(potFen, slots, random);
        for (var i = slots - 1; i > 0; i--)
        {
            var j = (int)random.Below(i + 1);
            (shares[i], shares[j]) = (shares[j], shares[i]);
        }
        return shares;
    }

    /// <summary>The shares in the order WeChat would hand them out, before the shuffle.</summary>
    internal static long[] DoubleMean(long potFen, int slots, SeededRandom random)
    {
        var shares = new long[slots];
        var left = potFen;
        for (var i = 0; i < slots - 1; i++)
        {
            var n = slots - i;
            shares[i] = 1 + random.Below(MaxShare(left, n));
            left -= shares[i];
        }
        shares[^1] = left;
        return shares;
    }

    /// <summary>The largest share allowed with <paramref name="left"/> fen for <paramref name="n"/> shares.</summary>
    internal static long MaxShare(long left, int n) => Math.Min(Math.Max(1, 2 * left / n - 1), left - (n - 1));

    public static string Hash(byte[] seed) => Convert.ToHexStringLower(SHA256.HashData(seed));
}
