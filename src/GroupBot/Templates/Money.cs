using System.Globalization;

namespace GroupBot.Templates;

/// <summary>Money is integer fen everywhere; this is how it is shown.</summary>
public static class Money
{
    public static string Format(long fen) =>
        (fen < 0 ? "-¥" : "¥") + (Math.Abs(fen) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
