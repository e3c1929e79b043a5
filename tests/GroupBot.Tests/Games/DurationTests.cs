using GroupBot.Games;

namespace GroupBot.Tests.Games;

public class DurationTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero); // 20:00 in Shanghai

    [Theory]
    [InlineData("30m", 30)]
    [InlineData("2h", 120)]
    [InlineData("1d", 1440)]
    [InlineData("1h30m", 90)]
    [InlineData("９０ｍ", 90)]
    public void Relative_durations(string text, int minutes) =>
        Assert.Equal(Now.AddMinutes(minutes), Duration.ParseDeadline(text, Now, Shanghai));

    [Fact]
    public void Local_time_in_the_group_time_zone() =>
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero), Duration.ParseDeadline("2026-11-23 20:00", Now, Shanghai));

    [Fact]
    public void A_bare_time_is_its_next_occurrence()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 13, 30, 0, TimeSpan.Zero), Duration.ParseDeadline("21:30", Now, Shanghai));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero), Duration.ParseDeadline("19:00", Now, Shanghai));
    }

    [Theory]
    [InlineData("0m")]
    [InlineData("31d")]
    [InlineData("2026-11-21 20:00")]
    [InlineData("soon")]
    [InlineData("-5m")]
    [InlineData("5x")]
    [InlineData("")]
    [InlineData("99999d")]
    public void Rejects_past_too_far_or_unreadable(string text) => Assert.Null(Duration.ParseDeadline(text, Now, Shanghai));

    [Theory]
    [InlineData("30分钟", 30)]
    [InlineData("30分", 30)]
    [InlineData("1小时", 60)]
    [InlineData("2个小时", 120)]
    [InlineData("半小时", 30)]
    [InlineData("1个半小时", 90)]
    [InlineData("1小时30分钟", 90)]
    [InlineData("１天", 1440)]
    public void Chinese_durations(string text, int minutes) =>
        Assert.Equal(Now.AddMinutes(minutes), Duration.ParseDeadline(text, Now, Shanghai));

    [Theory]
    [InlineData("21点", 21, 0)]
    [InlineData("21点半", 21, 30)]
    [InlineData("21点15", 21, 15)]
    [InlineData("21点15分", 21, 15)]
    public void Chinese_clock_times_are_their_next_occurrence(string text, int hour, int minute) =>
        Assert.Equal(new DateTimeOffset(2026, 11, 22, hour - 8, minute, 0, TimeSpan.Zero), Duration.ParseDeadline(text, Now, Shanghai));
}
