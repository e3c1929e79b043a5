namespace GroupBot.Games.Lottery;

/// <summary>`verify lottery &lt;seed&gt; &lt;pot&gt; &lt;slots&gt;`: re-derives a settled lottery's shares from its revealed seed.</summary>
public static class LotteryVerify
{
    public const string Usage = "usage: verify lottery <seed hex> <pot, e.g. 1 or ¥1.00> <slots>";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args is not ["lottery", var seedHex, var potText, var slotsText])
        {
            error.WriteLine(Usage);
            return 2;
        }
        byte[] seed;
        try
        {
            seed = Convert.FromHexString(seedHex);
        }
        catch (FormatException)
        {
            error.WriteLine($"'{seedHex}' is not a hex seed. {Usage}");
            return 2;
        }
        if (!Money.TryParse(potText, out var pot)) return Fail(error, $"'{potText}' is not an amount.");
        if (!int.TryParse(slotsText, out var slots)) return Fail(error, $"'{slotsText}' is not a whole number of slots.");
        if (LotteryRules.Check(slots, pot, 0) is { } reason) return Fail(error, $"not a valid lottery: {reason}.");

        var shares = LotterySplit.Shares(pot, slots, seed);
        output.WriteLine($"seed sha256: {LotterySplit.Hash(seed)}");
        output.WriteLine($"pot {Money.Format(pot)} in {slots} shares (k-th grabber gets share k):");
        for (var k = 0; k < shares.Length; k++) output.WriteLine($"{k + 1,4}. {Money.Format(shares[k])}");
        output.WriteLine($"sum: {Money.Format(shares.Sum())}");
        return 0;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"{message} {Usage}");
        return 2;
    }
}
