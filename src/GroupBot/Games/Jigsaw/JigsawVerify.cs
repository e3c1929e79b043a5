namespace GroupBot.Games.Jigsaw;

/// <summary>`verify jigsaw &lt;seed&gt;`: the album order a revealed seed gives, and the seed's SHA-256 to compare with the posted hash.</summary>
public static class JigsawVerify
{
    public const string Usage = "usage: verify jigsaw <seed hex>";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        byte[] seed;
        try
        {
            if (args is not [var seedHex] || (seed = Convert.FromHexString(seedHex)).Length == 0) throw new FormatException();
        }
        catch (FormatException)
        {
            error.WriteLine(Usage);
            return 2;
        }
        output.WriteLine($"seed sha256: {Lottery.LotterySplit.Hash(seed)}");
        var order = JigsawImage.Order(seed);
        output.WriteLine("album photo → piece of the code (1–9, left to right, top to bottom):");
        for (var k = 0; k < order.Length; k++) output.WriteLine($"{k + 1} → {order[k] + 1}");
        return 0;
    }
}
