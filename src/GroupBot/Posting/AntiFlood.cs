using System.Globalization;

namespace GroupBot.Posting;

/// <summary>"Posting" section: how much scheduled posting a group takes (seed 001: do not flood).</summary>
public sealed class PostingOptions
{
    public const string Section = "Posting";
    /// <summary>Local time range with no scheduled posts, e.g. "22:00-08:00"; empty for none.</summary>
    public string QuietHours { get; set; } = "22:00-08:00";
    public int MaxPostsPerDay { get; set; } = 3;
    public int MinGapMinutes { get; set; } = 120;
}

/// <summary>Whether a scheduled post may go to a group now; pure, so every rule has a test.</summary>
public static class AntiFlood
{
    /// <summary>Null when the post may go, else why not: paused, quiet_hours, daily_cap or min_gap.</summary>
    public static string? Refusal(PostingOptions options, bool paused, DateTimeOffset now, TimeZoneInfo zone, IEnumerable<DateTime> earlierPostsUtc)
    {
        if (paused) return "paused";
        var local = TimeZoneInfo.ConvertTime(now, zone);
        if (InQuietHours(options.QuietHours, TimeOnly.FromDateTime(local.DateTime))) return "quiet_hours";
        var earlier = earlierPostsUtc.Select(u => TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(u, DateTimeKind.Utc)), zone)).ToList();
        if (earlier.Count(e => e.Date == local.Date) >= options.MaxPostsPerDay) return "daily_cap";
        if (earlier.Count > 0 && local - earlier.Max() < TimeSpan.FromMinutes(options.MinGapMinutes)) return "min_gap";
        return null;
    }

    public static bool InQuietHours(string range, TimeOnly time)
    {
        if (!TryParseRange(range, out var from, out var to)) return false;
        return from <= to ? time >= from && time < to : time >= from || time < to;
    }

    public static bool TryParseRange(string? range, out TimeOnly from, out TimeOnly to)
    {
        from = to = default;
        var parts = (range ?? "").Split('-', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && TimeOnly.TryParseExact(parts[0], ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out from)
            && TimeOnly.TryParseExact(parts[1], ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out to)
            && from != to;
    }
}
