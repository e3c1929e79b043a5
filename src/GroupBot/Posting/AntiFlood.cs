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

/// <summary>Whether a schedule can reach a group at all, whatever else is posted there.</summary>
public static class PostReach
{
    /// <summary>
    /// True when each of the schedule's next 60 fires (two months of a daily post, a year of a weekly one) falls in the
    /// group's quiet hours: the post is skipped every time, so an operator should hear of it.
    /// </summary>
    /// <param name="fireZone">the zone the schedule's time is read in for this group</param>
    /// <param name="groupZone">the group's own zone, in which its quiet hours apply</param>
    public static bool NeverPosts(Schedule schedule, TimeZoneInfo fireZone, TimeZoneInfo groupZone, PostingOptions options, DateTimeOffset from)
    {
        if (!AntiFlood.TryParseRange(options.QuietHours, out _, out _)) return false;
        var t = from;
        for (var i = 0; i < 60; i++)
        {
            if (schedule.NextAfter(t, fireZone) is not { } next) return i > 0;
            var local = TimeZoneInfo.ConvertTime(next, groupZone);
            if (!AntiFlood.InQuietHours(options.QuietHours, TimeOnly.FromDateTime(local.DateTime))) return false;
            t = next;
        }
        return true;
    }
}
