using GroupBot.Community;
using GroupBot.Posting;
using Microsoft.Extensions.Options;

namespace GroupBot.OpsConsole;

/// <summary>One coming fire of a schedule in a group, in the group's local time, and why it would be skipped (null: it posts).</summary>
public sealed record ForecastFire(string Schedule, string Local, string? Skip);

/// <summary>
/// The next week of scheduled posts per group, each checked as the scheduler will check it (AntiFlood: paused, quiet
/// hours, daily cap, minimum gap) against the posts already made there and the ones before it in the forecast.
/// </summary>
public sealed class Forecast(Schedules schedules, PostScheduler scheduler, Groups groups, IOptionsMonitor<PostingOptions> posting, TimeProvider time)
{
    public IReadOnlyList<ForecastFire> Of(Group group, int days = 7, int max = 20)
    {
        var now = time.GetUtcNow();
        var until = now.AddDays(days);
        var zone = groups.TimeZoneOf(group);
        var fires = new List<(DateTimeOffset At, Schedule Schedule)>();
        foreach (var schedule in schedules.All.Where(s => groups.Matches(group, s.Tags)))
        {
            var t = now;
            for (var i = 0; i < max && schedule.NextAfter(t, scheduler.ZoneFor(schedule, group)) is { } next && next <= until; i++)
            {
                fires.Add((next, schedule));
                t = next;
            }
        }
        var posted = scheduler.PostTimes(group.ChatId).ToList();
        var result = new List<ForecastFire>();
        foreach (var (at, schedule) in fires.OrderBy(f => f.At).Take(max))
        {
            var skip = AntiFlood.Refusal(posting.CurrentValue, group.PostsPaused, at, zone, posted);
            if (skip is null) posted.Add(at.UtcDateTime);
            result.Add(new ForecastFire(schedule.Id, TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm ddd"), skip));
        }
        return result;
    }
}
