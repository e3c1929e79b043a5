using System.Globalization;
using GroupBot.Commands;

namespace GroupBot.Text;

/// <summary>Money is integer fen everywhere (yuan with fen precision); the bot records amounts, it moves no money.</summary>
public static class Money
{
    /// <summary>Largest amount any command accepts: ¥1,000,000.</summary>
    public const long MaxFen = 100_000_000;

    public static string Format(long fen) =>
        (fen < 0 ? "-¥" : "¥") + (Math.Abs(fen) / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Parses 1, 1.5, ¥1.50, ￥1.5, 1.5元, full-width １．５. False for anything else (negative, more than two decimals, too large).</summary>
    public static bool TryParse(string? text, out long fen)
    {
        fen = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = TextWidth.Fold(text.Trim()).Replace("￥", "¥").Trim();
        if (s.StartsWith('¥')) s = s[1..].TrimStart();
        if (s.EndsWith('元')) s = s[..^1].TrimEnd();
        else if (s.EndsWith("rmb", StringComparison.OrdinalIgnoreCase) || s.EndsWith("cny", StringComparison.OrdinalIgnoreCase)) s = s[..^3].TrimEnd();
        if (s.Length == 0 || s.Length > 16) return false;
        var dot = s.IndexOf('.');
        var whole = dot < 0 ? s : s[..dot];
        var frac = dot < 0 ? "" : s[(dot + 1)..];
        if ((whole.Length == 0 && frac.Length == 0) || frac.Length > 2) return false;
        if (!whole.All(char.IsAsciiDigit) || !frac.All(char.IsAsciiDigit)) return false;
        var value = (whole.Length == 0 ? 0 : long.Parse(whole, CultureInfo.InvariantCulture)) * 100
            + (frac.Length == 0 ? 0 : long.Parse(frac.PadRight(2, '0'), CultureInfo.InvariantCulture));
        if (value > MaxFen) return false;
        fen = value;
        return true;
    }
}
