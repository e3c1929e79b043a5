namespace GroupBot.Commerce;

/// <summary>Commission arithmetic on integer fen: a rate is held in basis points (1% = 100), a share rounds down to the fen.</summary>
public static class Commission
{
    public static bool ValidPercent(decimal percent) => percent is >= 0 and <= 100 && decimal.Round(percent, 2) == percent;

    public static int BasisPoints(decimal percent) => (int)(percent * 100);

    /// <summary>The share of an amount at a rate; negative amounts (refunds) mirror positive ones exactly.</summary>
    public static long Of(long amountFen, int basisPoints) => Math.Sign(amountFen) * (Math.Abs(amountFen) * basisPoints / 10_000);
}
