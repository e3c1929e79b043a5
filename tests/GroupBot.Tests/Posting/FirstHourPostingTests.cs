using GroupBot.Chat;
using GroupBot.Posting;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Posting;

/// <summary>Issue 12, scheduled posts: overseas groups and the rotation. The harness starts at 2026-11-22 20:00 in Shanghai.</summary>
public sealed class FirstHourPostingTests : IAsyncLifetime
{
    private static readonly ChatInfo Shanghai = new(-3001, ChatKind.Supergroup, "上海群");
    private static readonly ChatInfo London = new(-3002, ChatKind.Supergroup, "London group");
    private readonly TempDir _dir = Repo.Temp();
    private readonly TempDir _root = Repo.Temp().WithBotFiles();
    private BotHarness _bot = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_root.Path, "config", "schedules.json"), """
            { "schedules": [
              { "id": "daily", "cron": "0 0 10 * * ?", "template": "daily_product", "products": ["chestnut", "walnut", "dates"] },
              { "id": "brand", "cron": "0 0 10 ? * MON", "timeZone": "Asia/Shanghai", "template": "brand_story", "products": "chestnut" }
            ] }
            """);
        File.WriteAllText(Path.Combine(_root.Path, "config", "groups.json"), """
            { "groups": [ { "id": -3002, "timeZone": "Europe/London", "language": "zh-CN" } ] }
            """);
        _bot = await BotHarness.Start(_dir, _root.Path);
        foreach (var g in new[] { Shanghai, London }) await _bot.Deliver(new BotAdded(g, null));
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
        _root.Dispose();
    }

    private static List<string> Posts(IEnumerable<ChatAction> actions, long chatId) =>
        actions.OfType<SendText>().Where(s => s.ChatId == chatId && s.Html).Select(s => s.Text).ToList();

    [Fact]
    public async Task A_schedule_without_a_time_zone_posts_at_each_groups_own_local_time()
    {
        // 2026-11-23 10:00 Shanghai = 02:00 UTC = 02:00 London (quiet hours there).
        var morning = await _bot.AdvanceAll(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero) - _bot.Time.GetUtcNow());
        Assert.Single(Posts(morning, Shanghai.Id));
        Assert.Empty(Posts(morning, London.Id));
        // 10:00 London (GMT) = 10:00 UTC: the London group's own morning post.
        var london = await _bot.AdvanceAll(TimeSpan.FromHours(8));
        Assert.Contains("有机甘栗仁", Assert.Single(Posts(london, London.Id)));
        Assert.Empty(Posts(london, Shanghai.Id));
        Assert.Contains("下次 11-24 10:00", (await _bot.SayIn(London, BotHarness.Owner, "/schedules")).All());
    }

    [Fact]
    public async Task A_schedule_that_can_never_post_in_a_group_is_flagged_in_schedules_and_at_start()
    {
        var london = (await _bot.SayIn(London, BotHarness.Owner, "/schedules")).All();
        // brand is fixed at 10:00 Shanghai = 02:00 London: always in quiet hours there.
        Assert.Contains("品牌故事（有机甘栗仁 100g）", london);
        Assert.Contains("永远发不出去", london);
        Assert.Contains("每日商品推荐（商品轮播）", london);
        Assert.DoesNotContain("永远发不出去", (await _bot.SayIn(Shanghai, BotHarness.Owner, "/schedules")).All());
        await _bot.Restart();
        Assert.Contains(_bot.Logs(), l => l.Contains("Schedule brand can never post in -3002"));
        Assert.DoesNotContain(_bot.Logs(), l => l.Contains("can never post in -3001") || l.Contains("Schedule daily can never post"));
    }

    [Fact]
    public void Templates_check_warns_of_a_schedule_that_can_never_post_in_a_configured_group()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, TemplatesCli.Run(["check"], output, error, _root.Path));
        Assert.Contains("warning: schedule brand can never post in group -3002", output.ToString());
        Assert.DoesNotContain("schedule daily", output.ToString());
    }

    [Fact]
    public async Task A_skipped_post_does_not_use_up_a_product_of_the_rotation()
    {
        var sent = new List<string>();
        var first = await _bot.AdvanceAll(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero) - _bot.Time.GetUtcNow());
        sent.AddRange(Posts(first, Shanghai.Id));
        await _bot.SayIn(Shanghai, BotHarness.Owner, "/pause");
        for (var day = 0; day < 2; day++) Assert.Empty(Posts(await _bot.AdvanceAll(TimeSpan.FromDays(1)), Shanghai.Id));
        await _bot.SayIn(Shanghai, BotHarness.Owner, "/resume");
        for (var day = 0; day < 2; day++) sent.AddRange(Posts(await _bot.AdvanceAll(TimeSpan.FromDays(1)), Shanghai.Id));
        Assert.True(3 == sent.Count, string.Join("\n", _bot.Logs().Where(l => l.Contains("Schedule"))));
        Assert.Contains("有机甘栗仁", sent[0]);
        Assert.Contains("原味纸皮核桃", sent[1]);
        Assert.Contains("和田骏枣", sent[2]);
    }

    [Fact]
    public async Task Admin_replies_name_templates_and_products_not_their_ids()
    {
        var preview = (await _bot.SayIn(Shanghai, BotHarness.Owner, "/preview daily_product chestnut")).OfType<SendText>().First().Text;
        Assert.Contains("每日商品推荐", preview);
        Assert.Contains("有机甘栗仁 100g", preview);
        Assert.DoesNotContain("chestnut", preview);
        Assert.DoesNotContain("daily_product", preview);
        var list = (await _bot.SayIn(Shanghai, BotHarness.Owner, "/schedules")).All();
        Assert.DoesNotContain("daily_product", list);
        Assert.DoesNotContain("brand_story", list);
    }

    [Fact]
    public async Task A_wrong_or_missing_template_name_is_answered_with_the_names_to_choose_from_and_posts_nothing()
    {
        var wrong = await _bot.SayIn(Shanghai, BotHarness.Owner, "/preview faq_answer");
        var text = Assert.IsType<SendText>(Assert.Single(wrong)).Text;
        Assert.Contains("没有叫「faq_answer」的模板或定时任务（可选：", text);
        Assert.Contains("daily_product", text);
        Assert.DoesNotContain("_copy", text);
        Assert.DoesNotContain("daily /", text); // /preview takes templates, not schedules
        var missing = Assert.IsType<SendText>(Assert.Single(await _bot.SayIn(Shanghai, BotHarness.Owner, "/post"))).Text;
        Assert.Contains("缺少模板或定时任务名（可选：daily / ", missing);
        Assert.Contains("daily_product", missing);
    }
}
