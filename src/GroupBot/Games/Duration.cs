using System.Globalization;
using System.Text.RegularExpressions;
using GroupBot.Commands;

namespace GroupBot.Games;

/// <summary>Deadlines as typed in chat: 30m, 2h, 1d, 1h30m, or a local time "2026-11-23 20:00" in the group's time zone.</summary>
public static partial class Duration
{
    public static readonly TimeSpan Max = TimeSpan.FromDays(30);

    /// <summary>The instant meant, or null when the text is not a duration/time, is in the past, or more than 30 days ahead.</summary>
    public static DateTimeOffset? ParseDeadline(string? text, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = TextWidth.Fold(text.Trim()).ToLowerInvariant();
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

    [GeneratedRegex(@"^(?<part>\d{1,5}[dhms]){1,4}$")]
    private static partial Regex Relative();
}
