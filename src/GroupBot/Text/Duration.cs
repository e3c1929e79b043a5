using System.Globalization;
using System.Text.RegularExpressions;
using GroupBot.Commands;

namespace GroupBot.Text;

/// <summary>
/// Deadlines as typed in chat: 30m, 2h, 1d, 1h30m, the Chinese 30分钟, 2小时, 1天, 1小时30分钟, 半小时, 1个半小时, or a local
/// time "2026-11-23 20:00", 20:00 or 20点 (20点30) in the group's time zone.
/// </summary>
public static partial class Duration
{
    public static readonly TimeSpan Max = TimeSpan.FromDays(30);

    /// <summary>The instant meant, or null when the text is not a duration/time, is in the past, or more than 30 days ahead.</summary>
    public static DateTimeOffset? ParseDeadline(string? text, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = Chinese(TextWidth.Fold(text.Trim()).ToLowerInvariant());
        DateTimeOffset at;
        if (Relative().Match(s) is { Success: true } m)
        {
            var span = TimeSpan.Zero;
            foreach (Capture c in m.Groups["part"].Captures)
            {
                var n = int.Parse(c.Value[..^1], CultureInfo.InvariantCulture);
                span += c.Value[^1] switch { 'd' => TimeSpan.FromDays(n), 'h' => TimeSpan.FromHours(n), 'm' => TimeSpan.FromMinutes(n), _ => TimeSpan.FromSeconds(n) };
                if (span > Max) return null;
            }
            at = now + span;
        }
        else if (DateTime.TryParseExact(s.Replace('t', ' ').Replace('/', '-'), ["yyyy-MM-dd HH:mm", "yyyy-M-d H:mm", "yyyy-MM-dd"],
                     CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            if (zone.IsInvalidTime(local)) return null;
            at = new DateTimeOffset(local, zone.GetUtcOffset(local));
        }
        else if (TimeOnly.TryParseExact(s, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
        {
            // A bare time means its next occurrence in the group's time zone.
            var today = TimeZoneInfo.ConvertTime(now, zone);
            var local2 = today.Date + clock.ToTimeSpan();
            if (local2 <= today.DateTime) local2 = local2.AddDays(1);
            at = new DateTimeOffset(local2, zone.GetUtcOffset(local2));
        }
        else return null;
        return at <= now || at - now > Max ? null : at;
    }

    /// <summary>Chinese units and clock times into the forms above: 1个半小时 → 1h30m, 30分钟 → 30m, 20点30 → 20:30.</summary>
    private static string Chinese(string s)
    {
        if (s.Any(c => "小时分钟天秒点半".Contains(c))) s = s.Replace(" ", "");
        if (s == "半小时" || s == "半个小时" || s == "半个钟头") return "30m";
        s = HalfHour().Replace(s, "${n}h30m");
        s = s.Replace("个小时", "h").Replace("小时", "h").Replace("个钟头", "h").Replace("钟头", "h")
            .Replace("分钟", "m").Replace("天", "d").Replace("秒钟", "s").Replace("秒", "s");
        if (ClockChinese().Match(s) is { Success: true } m)
            return $"{m.Groups["h"].Value}:{(m.Groups["half"].Success ? "30" : m.Groups["m"].Success ? m.Groups["m"].Value.PadLeft(2, '0') : "00")}";
        if (s.EndsWith('分') && char.IsAsciiDigit(s[0])) s = s[..^1] + "m";
        return s;
    }

    [GeneratedRegex(@"^(?<n>\d{1,4})个半(小时|钟头)$")]
    private static partial Regex HalfHour();

    [GeneratedRegex(@"^(?<h>\d{1,2})(点|時|时)(?:(?<m>\d{1,2})分?|(?<half>半))?$")]
    private static partial Regex ClockChinese();

    [GeneratedRegex(@"^(?<part>\d{1,5}[dhms]){1,4}$")]
    private static partial Regex Relative();
}
