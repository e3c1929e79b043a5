using GroupBot.Chat;
using GroupBot.Hosting;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Posting;

/// <summary>Schedules driven by fake time through the whole bot. The harness starts at 2026-11-22 20:00 in Shanghai.</summary>
public sealed class PostSchedulerTests : IAsyncLifetime
{
    private static readonly ChatInfo GroupA = new(-2001, ChatKind.Supergroup, "A 群");
    private static readonly ChatInfo GroupB = new(-2002, ChatKind.Supergroup, "B 群");
    private static readonly ChatInfo GroupGold = new(-2003, ChatKind.Supergroup, "金牌群");
    private readonly TempDir _dir = Repo.Temp();
    private readonly TempDir _root = Repo.Temp().WithBotFiles();
    private BotHarness _bot = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_root.Path, "config", "schedules.json"), """
            { "schedules": [
              { "id": "daily", "cron": "0 0 10 * * ?", "template": "daily_product", "products": ["chestnut", "walnut", "dates"], "catchUp": "2h" },
              { "id": "gold", "cron": "0 0 6 * * ?", "timeZone": "Europe/London", "template": "incentive", "products": "gift-box", "tags": { "tier": "gold" } }
            ] }
            """);
        _bot = await BotHarness.Start(_dir, _root.Path);
        foreach (var g in new[] { GroupA, GroupB, GroupGold }) await _bot.Deliver(new BotAdded(g, null));
        await _bot.SayIn(GroupGold, BotHarness.Owner, "/tag tier=gold");
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
        _root.Dispose();
    }

    private static IEnumerable<string> Posts(IEnumerable<ChatAction> actions, long chatId) =>
        actions.OfType<SendText>().Where(s => s.ChatId == chatId && s.Html).Select(s => s.Text);

    [Fact]
    public async Task Daily_post_reaches_every_group_at_ten_in_shanghai_and_rotates_without_repeats()
    {
        var names = new List<string>();
        // 20:00 → next day 10:00 Shanghai = 14 h.
        var actions = await _bot.AdvanceAll(TimeSpan.FromHours(14));
        foreach (var g in new[] { GroupA, GroupB, GroupGold }) Assert.Single(Posts(actions, g.Id));
        names.Add(Posts(actions, GroupA.Id).Single());
        for (var day = 0; day < 3; day++) names.Add(Posts(await _bot.AdvanceAll(TimeSpan.FromDays(1)), GroupA.Id).Single());
        Assert.Contains("有机甘栗仁", names[0]);
        Assert.Contains("原味纸皮核桃", names[1]);
        Assert.Contains("和田骏枣", names[2]);
        Assert.Contains("有机甘栗仁", names[3]); // all had their turn: the round starts again
    }

    [Fact]
    public async Task A_schedule_in_its_own_time_zone_goes_only_to_the_tagged_groups()
    {
        // 06:00 London on 2026-11-23 (GMT) = 06:00 UTC = 14:00 Shanghai.
        var actions = await _bot.AdvanceAll(new DateTimeOffset(2026, 11, 23, 5, 59, 0, TimeSpan.Zero) - _bot.Time.GetUtcNow());
        Assert.DoesNotContain(Posts(actions, GroupGold.Id), t => t.Contains("分销激励"));
        actions = await _bot.AdvanceAll(TimeSpan.FromMinutes(1));
        Assert.True(Posts(actions, GroupGold.Id).Any(t => t.Contains("分销激励") && t.Contains("坚果年货礼盒")), string.Join("\n", _bot.Logs().Where(l => l.Contains("Schedule"))));
        Assert.Empty(Posts(actions, GroupA.Id));
        Assert.Empty(Posts(actions, GroupB.Id));
    }

    [Fact]
    public async Task Nothing_is_posted_in_quiet_hours()
    {
        File.WriteAllText(Path.Combine(_root.Path, "config", "schedules.json"),
            """{ "schedules": [ { "id": "late", "cron": "0 30 23 * * ?", "template": "logistics" } ] }""");
        await _bot.Restart();
        var actions = await _bot.AdvanceAll(TimeSpan.FromHours(4));
        Assert.Empty(Posts(actions, GroupA.Id));
        Assert.Contains(_bot.Logs(), l => l.Contains("not posting in") && l.Contains("quiet_hours"));
    }

    [Fact]
    public async Task Quiet_hours_daily_cap_and_pause_are_respected()
    {
        await _bot.SayIn(GroupB, BotHarness.Owner, "/pause");
        var actions = await _bot.AdvanceAll(TimeSpan.FromHours(14));
        Assert.Single(Posts(actions, GroupA.Id));
        Assert.Empty(Posts(actions, GroupB.Id));
        await _bot.SayIn(GroupB, BotHarness.Owner, "/resume");
        Assert.Single(Posts(await _bot.AdvanceAll(TimeSpan.FromDays(1)), GroupB.Id));
    }

    [Fact]
    public async Task A_fire_missed_while_down_is_posted_once_at_start_when_within_the_window()
    {
        await _bot.DisposeAsync();
        _bot.Time.Advance(TimeSpan.FromHours(15)); // 11:00 Shanghai: the 10:00 fire was missed by 1 h (window 2 h)
        await _bot.Restart();
        var actions = await _bot.Settle(TimeSpan.Zero);
        Assert.Single(Posts(actions, GroupA.Id));
        // Another restart does not post it again.
        await _bot.Restart();
        Assert.Empty(Posts(await _bot.Settle(TimeSpan.Zero), GroupA.Id));
    }

    [Fact]
    public async Task A_fire_missed_by_more_than_its_window_is_skipped()
    {
        await _bot.DisposeAsync();
        _bot.Time.Advance(TimeSpan.FromHours(17)); // 13:00 Shanghai: missed by 3 h
        await _bot.Restart();
        Assert.Empty(Posts(await _bot.AdvanceAll(TimeSpan.Zero), GroupA.Id));
        Assert.Contains(_bot.Logs(), l => l.Contains("past its catch-up window; skipped"));
    }

    [Fact]
    public async Task Schedules_lists_the_next_fire_in_the_group_time_zone()
    {
        var reply = (await _bot.SayIn(GroupGold, BotHarness.Owner, "/schedules")).OfType<SendText>().Single().Text;
        // Names, not internal ids (issue 12); the schedule's id only as the /post argument.
        Assert.Contains("每日商品推荐（商品轮播） · 下次 11-23 10:00 · /post daily 立即发", reply);
        Assert.Contains("激励政策（坚果年货礼盒 8 种） · 下次 11-23 14:00", reply);
        var other = (await _bot.SayIn(GroupA, BotHarness.Owner, "/schedules")).OfType<SendText>().Single().Text;
        Assert.DoesNotContain("gold", other);
    }

    [Fact]
    public async Task Editing_schedules_json_takes_effect_without_a_restart_and_a_broken_edit_keeps_the_last_good()
    {
        var path = Path.Combine(_root.Path, "config", "schedules.json");
        File.WriteAllText(path, """{ "schedules": [ { "id": "noon", "cron": "0 0 12 * * ?", "template": "logistics" } ] }""");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        _bot.Get<ConfigReloader>().CheckNow(); // what the 2-second poll does
        Assert.Contains("noon", (await _bot.SayIn(GroupA, BotHarness.Owner, "/schedules")).OfType<SendText>().Single().Text);

        File.WriteAllText(path, """{ "schedules": [ { "id": "x", "cron": "bad", "template": "logistics" } ] }""");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(2));
        _bot.Get<ConfigReloader>().CheckNow();
        Assert.Contains(_bot.Logs(), l => l.Contains("rejected, keeping the last good version") && l.Contains("$.schedules[0].cron"));
        Assert.Contains("noon", (await _bot.SayIn(GroupA, BotHarness.Owner, "/schedules")).OfType<SendText>().Single().Text);
    }

    [Fact]
    public async Task Editing_products_json_takes_effect_without_a_restart_and_a_broken_edit_keeps_the_last_good()
    {
        var path = Path.Combine(_root.Path, "config", "products.json");
        async Task<string> Preview() => (await _bot.SayIn(GroupA, BotHarness.Owner, "/preview daily_product chestnut")).All();
        Assert.Contains("有机甘栗仁 100g", await Preview());

        File.WriteAllText(path, File.ReadAllText(path).Replace("有机甘栗仁 100g", "有机甘栗仁 新装 120g"));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        _bot.Get<ConfigReloader>().CheckNow(); // what the 2-second poll does
        Assert.Contains("有机甘栗仁 新装 120g", await Preview());

        // A syntax error on line 6: reported as path:line:column, the last good catalog keeps serving.
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"price\": 9.9,", "\"price\": 9.9,,"));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(2));
        _bot.Get<ConfigReloader>().CheckNow();
        Assert.Contains(_bot.Logs(), l => l.Contains("rejected, keeping the last good version") && l.Contains(path + ":6:"));
        Assert.Contains("有机甘栗仁 新装 120g", await Preview());

        // A bad value: its line and column, and its JSON path.
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"price\": 9.9,,", "\"price\": \"free\","));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(3));
        _bot.Get<ConfigReloader>().CheckNow();
        Assert.Contains(_bot.Logs(), l => l.Contains(path + ":6:16: $.products[0].price 'free' is not an amount"));
        Assert.Contains("有机甘栗仁 新装 120g", await Preview());
    }

    [Fact]
    public async Task A_broken_schedules_edit_is_reported_with_line_and_column()
    {
        var path = Path.Combine(_root.Path, "config", "schedules.json");
        File.WriteAllText(path, "{ \"schedules\": [\n  { \"id\": \"x\", \"cron\": \"0 0 12 * * ?\" \"template\": \"logistics\" }\n] }");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        _bot.Get<ConfigReloader>().CheckNow();
        Assert.Contains(_bot.Logs(), l => l.Contains("rejected, keeping the last good version") && l.Contains(path + ":2:"));
        Assert.Contains("daily", (await _bot.SayIn(GroupA, BotHarness.Owner, "/schedules")).All());
    }

    [Fact]
    public async Task Members_cannot_post_pause_or_tag()
    {
        var member = new ChatUser(999, "M", "m");
        foreach (var command in new[] { "/post daily", "/preview daily_product", "/pause", "/resume", "/tag a=b", "/schedules" })
            Assert.Contains("只有群管理员可以使用", (await _bot.SayIn(GroupA, member, command)).Texts().Single());
    }
}
