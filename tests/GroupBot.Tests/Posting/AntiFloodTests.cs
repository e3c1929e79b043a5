using GroupBot.Posting;

namespace GroupBot.Tests.Posting;

public class AntiFloodTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly PostingOptions Options = new() { QuietHours = "22:00-08:00", MaxPostsPerDay = 2, MinGapMinutes = 120 };

    /// <summary>A UTC instant at a Shanghai wall-clock time on 2026-11-23.</summary>
    private static DateTimeOffset At(int hour, int minute = 0, int day = 23) => new DateTimeOffset(2026, 11, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData(21, 59, null)]
    [InlineData(22, 0, "quiet_hours")]
    [InlineData(3, 0, "quiet_hours")]
    [InlineData(7, 59, "quiet_hours")]
    [InlineData(8, 0, null)]
    public void Quiet_hours_wrap_past_midnight_in_the_group_time_zone(int hour, int minute, string? reason) =>
        Assert.Equal(reason, AntiFlood.Refusal(Options, false, At(hour, minute), Shanghai, []));

    [Fact]
    public void Daily_cap_counts_the_groups_local_day()
    {
        var earlier = new[] { At(9).UtcDateTime, At(12).UtcDateTime };
        Assert.Equal("daily_cap", AntiFlood.Refusal(Options, false, At(18), Shanghai, earlier));
        // 09:00 the next day in Shanghai is a new day, though it is still the 23rd in UTC until 08:00 local.
        Assert.Null(AntiFlood.Refusal(Options, false, At(9, day: 24), Shanghai, earlier));
    }

    [Fact]
    public void Minimum_gap_since_the_last_post()
    {
        var earlier = new[] { At(10).UtcDateTime };
        Assert.Equal("min_gap", AntiFlood.Refusal(Options, false, At(11, 59), Shanghai, earlier));
        Assert.Null(AntiFlood.Refusal(Options, false, At(12), Shanghai, earlier));
    }

    [Fact]
    public void A_paused_group_gets_nothing() => Assert.Equal("paused", AntiFlood.Refusal(Options, true, At(12), Shanghai, []));

    [Theory]
    [InlineData("", false)]
    [InlineData("22:00-08:00", true)]
    [InlineData("9:00-17:30", true)]
    [InlineData("22:00", false)]
    [InlineData("25:00-08:00", false)]
    [InlineData("08:00-08:00", false)]
    public void Quiet_hour_ranges(string range, bool valid) => Assert.Equal(valid, AntiFlood.TryParseRange(range, out _, out _));
}
