using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Community;

/// <summary>Issue 16: charts people can read. .ci/run installs fonts-noto-cjk; the font is chosen by name.</summary>
public sealed class ChartTests
{
    private static readonly ChatUser Ben = new(72, "Ben", "ben");

    [Fact]
    public void The_chart_font_is_the_cjk_one_and_it_has_the_glyphs_of_chinese_group_titles()
    {
        Assert.True(Charts.CjkInstalled, $"{Charts.CjkFont} is not installed: apt-get install fonts-noto-cjk (.ci/run does)");
        using var typeface = SkiaSharp.SKTypeface.FromFamilyName(Charts.CjkFont);
        Assert.True(typeface.ContainsGlyphs("华东一群测试群分销"));
        // SkiaSharp's own default has no CJK glyphs: that is what drew boxes before.
        Assert.Equal("华东一群", Charts.Label("华东一群", "-1001"));
    }

    [Fact]
    public void A_chinese_title_renders_differently_from_boxes()
    {
        using var dir = Repo.Temp();
        var days = new List<DateTime> { new(2026, 11, 20), new(2026, 11, 21), new(2026, 11, 22) };
        Charts.MessagesPerDay(dir.File("a.png"), "每天消息数", days, [("华东一群", [1, 2, 3])]);
        Charts.MessagesPerDay(dir.File("b.png"), "每天消息数", days, [("华南二群", [1, 2, 3])]);
        // Two different Chinese names draw two different images (with tofu boxes both would be the same boxes).
        Assert.NotEqual(File.ReadAllBytes(dir.File("a.png")), File.ReadAllBytes(dir.File("b.png")));
    }

    [Fact]
    public async Task Stats_with_chart_answers_with_a_photo_of_the_days_and_the_figures_as_its_caption()
    {
        using var dir = Repo.Temp();
        await using var bot = await BotHarness.Start(dir);
        await bot.Say(Ben, "你好");
        await bot.Say(Ben, "<b>hi</b> & bye");
        var photo = Assert.IsType<SendPhoto>(Assert.Single(await bot.Say(BotHarness.Owner, "/stats 7天 图")));
        Assert.True(File.Exists(photo.Photo));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(photo.Photo)[..4]);
        Assert.StartsWith(Path.Combine(dir.Path, "charts"), photo.Photo);
        Assert.Contains("📊 本群近 7 天", photo.Caption);
        Assert.Contains("活跃 2 人", photo.Caption);

        // Without the word, the text as before; a member is refused; a bad period changes nothing.
        Assert.IsType<SendText>(Assert.Single(await bot.Say(BotHarness.Owner, "/stats")));
        Assert.DoesNotContain((await bot.Say(Ben, "/stats 图")).OfType<SendPhoto>(), _ => true);
        Assert.Contains("/stats [7天] [图]", (await bot.Say(BotHarness.Owner, "/stats 图 图表 99")).Texts().Single());
    }
}
