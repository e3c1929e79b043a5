using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Community;

/// <summary>Issue 12, records and Chinese first: corrections, leaderboards, file-set tags, the words people type.</summary>
public sealed class FirstHourRecordsTests : IAsyncLifetime
{
    private static readonly ChatUser Owner = BotHarness.Owner;
    private static readonly ChatUser Amy = new(501, "Amy", "amy");
    private static readonly ChatUser Bob = new(502, "Bob", "bob");
    private readonly TempDir _dir = Repo.Temp();
    private readonly TempDir _root = Repo.Temp().WithBotFiles();
    private BotHarness _bot = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_root.Path, "config", "groups.json"), $$"""
            { "groups": [ { "id": {{BotHarness.Chat}}, "tags": { "tier": "gold" } } ] }
            """);
        _bot = await BotHarness.Start(_dir, _root.Path);
        await _bot.Say(Amy, "大家好");
        await _bot.Say(Bob, "你好");
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
        _root.Dispose();
    }

    private async Task<string> Say(ChatUser who, string text) => (await _bot.Say(who, text)).All();

    [Fact]
    public async Task A_wrong_sale_is_corrected_with_a_negative_amount_and_a_reason_keeping_history()
    {
        var points = _bot.Get<Points>();
        await Say(Owner, "/sale @amy 10000 十箱");
        Assert.Equal("金牌", _bot.Get<Members>().Find(Amy.Id)!.Level);
        // A correction needs a reason, and cannot take more than was recorded; 0 is still refused.
        Assert.Contains("要写明原因", await Say(Owner, "/sale @amy -10000"));
        Assert.Contains("超过了已记录的销售 ¥10000.00", await Say(Owner, "/sale @amy -20000 录错"));
        Assert.Contains("不对", await Say(Owner, "/sale @amy 0"));
        var fixedUp = await Say(Owner, "/sale @amy -9000 多打了一个零");
        Assert.Contains("已更正 @amy 的销售 -¥9000.00（多打了一个零），累计 ¥1000.00", fixedUp);
        Assert.Equal(100000, points.TotalSales(Amy.Id));
        // Both lines stay in the ledger; the level earned by the wrong sale goes with it.
        Assert.Equal([1000000L, -900000L], points.EntriesOf(Amy.Id).Where(e => e.Kind == PointKind.Sale).Select(e => e.SalesFen));
        Assert.Equal("初级", _bot.Get<Members>().Find(Amy.Id)!.Level);
        Assert.Contains("🥇 @amy ¥1000.00", await Say(Amy, "/top 总榜 by=销售"));
    }

    [Fact]
    public async Task Leaderboards_rank_only_people_with_something_to_rank()
    {
        await Say(Owner, "/award @bob 30");
        await Say(Owner, "/sale @amy 50");
        var sales = await Say(Amy, "/top week by=sales");
        Assert.Contains("🥇 @amy ¥50.00", sales);
        Assert.DoesNotContain("@bob", sales);
        var pointsBoard = await Say(Amy, "/top");
        Assert.Contains("🥇 @bob 30 分", pointsBoard);
        Assert.DoesNotContain("@amy", pointsBoard);
        Assert.Contains("还没有人上榜", await Say(Amy, "/top by=recruits"));
        var showcase = await Say(Owner, "/post showcase");
        Assert.DoesNotContain("¥0.00", showcase);
        Assert.DoesNotMatch(@"@\w+ 0 分", showcase);
    }

    [Fact]
    public async Task Tag_says_the_file_decides_a_key_groups_json_sets()
    {
        var reply = await Say(Owner, "/tag tier=silver city=杭州");
        Assert.Contains("tier 由运营在 config/groups.json 里设定", reply);
        Assert.Contains("city=杭州 tier=gold", reply);
        Assert.DoesNotContain("tier=silver", reply);
        var only = await Say(Owner, "/tag tier=silver");
        Assert.DoesNotContain("已更新", only);
        Assert.Contains("config/groups.json", only);
    }

    [Fact]
    public async Task A_tag_that_is_too_long_or_has_a_bad_key_is_told_what_is_wrong_and_changes_nothing()
    {
        var longValue = await Say(Owner, "/tag city=" + new string('a', 65));
        Assert.Contains("的值太长（最多 64 个字）", longValue);
        Assert.DoesNotContain("应写成 键=值", longValue);
        var badKey = await Say(Owner, "/tag 城 市=上海");
        Assert.Contains("应写成 键=值", badKey);
        var symbolKey = await Say(Owner, "/tag ci.ty=上海");
        Assert.Contains("标签的键「ci.ty」只能用字母、数字、_ 和 -", symbolKey);
        var shown = await Say(Owner, "/tag");
        Assert.DoesNotContain("city=", shown);
        Assert.DoesNotContain("ci.ty", shown);
    }

    [Fact]
    public async Task Chinese_words_are_accepted_wherever_an_option_takes_a_word()
    {
        await Say(Owner, "/award @amy 20");
        Assert.Contains("本月积分榜", await Say(Amy, "/top 本月"));
        Assert.Contains("本周积分榜", await Say(Amy, "/top 本周"));
        Assert.Contains("总销售榜", await Say(Amy, "/top 总榜 by=销售"));
        Assert.Contains("关闭", await Say(Owner, "/welcome 关"));
        Assert.Contains("开启", await Say(Owner, "/welcome 开"));
        var start = _bot.Time.GetUtcNow();
        await Say(Owner, "/lottery 3 1 栗子 deadline=30分钟 mode=最佳");
        var game = _bot.Get<GroupBot.Games.GameStore>().Find(BotHarness.Chat, 1)!;
        Assert.Equal(start.AddMinutes(30).UtcDateTime, game.DeadlineUtc, TimeSpan.FromSeconds(1));
        Assert.Equal(GroupBot.Games.LotteryMode.Best, game.Lottery!.Mode);
        await Say(Owner, "/groupbuy 69 3:65 栗子 deadline=1小时");
        Assert.Equal(start.AddHours(1).UtcDateTime, _bot.Get<GroupBot.Games.GameStore>().Find(BotHarness.Chat, 2)!.DeadlineUtc, TimeSpan.FromSeconds(1));
        await Say(Owner, "/guess 59.9 栗子 deadline=1个半小时 tries=2次");
        var guess = _bot.Get<GroupBot.Games.GameStore>().Find(BotHarness.Chat, 3)!;
        Assert.Equal(start.AddMinutes(90).UtcDateTime, guess.DeadlineUtc, TimeSpan.FromSeconds(1));
        Assert.Equal(2, guess.Guess!.Tries);
        // /help shows the Chinese forms.
        var help = await Say(Owner, "/help");
        Assert.Contains("/top [本周|本月|总榜]", help);
        Assert.Contains("/welcome 开|关", help);
        Assert.DoesNotContain("week|month|all", help);
        Assert.DoesNotContain("on|off", help);
    }

    [Fact]
    public async Task A_member_refused_an_faq_edit_is_told_which_sub_command()
    {
        var reply = await Say(Amy, "/faq add x y");
        Assert.Contains("/faq add 只有群管理员可以使用", reply);
        Assert.Contains("/faq <关键词> 提问人人都能用", reply);
        Assert.Contains("/faq del 只有群管理员", await Say(Amy, "/faq del x"));
    }

    [Fact]
    public async Task Every_game_writes_a_discount_the_Chinese_way()
    {
        var open = await Say(Owner, "/guess 59.9 栗子 discount=15%");
        Assert.Contains("之后猜中享 8.5折", open);
        Assert.DoesNotContain("%", open);
        await Say(Amy, "/g 59.9");
        Assert.Contains("享 8.5折", await Say(Bob, "/g 59.9"));
        Assert.Contains("享 8.5折：@bob", await Say(Owner, "/end"));
    }

    [Fact]
    public async Task The_shipped_faq_posts_and_levels_tell_one_story()
    {
        var options = _bot.Get<Microsoft.Extensions.Options.IOptionsMonitor<CommunityOptions>>().CurrentValue;
        var levels = await Say(Amy, "/faq 等级");
        foreach (var level in options.EffectiveLevels.Where(l => l.MinPoints > 0))
            Assert.Contains($"{level.Name}：累计积分满{level.MinPoints}", levels);
        Assert.Contains("累计销售额满1万元", levels);
        Assert.Equal(10000m, options.EffectiveLevels.Single(l => l.Name == "金牌").MinSales);
        Assert.Contains("当场自动升级", levels);
        Assert.DoesNotContain("每月1日", levels);
        // What the bot does: promoted at once when the threshold is reached.
        Assert.Contains("· 中级", await Say(Owner, "/award @amy 100"));

        var faq = await Say(Amy, "/faq 发货");
        var post = await Say(Owner, "/post logistics");
        foreach (var text in new[] { faq, post })
        {
            Assert.Contains("48", text);
            Assert.Contains("中通或韵达", text);
            Assert.DoesNotContain("中通/顺丰", text);
        }
        Assert.DoesNotContain("4 点前", post);
        Assert.Contains($"{options.RecruitPoints}积分邀请奖励", await Say(Amy, "/faq 邀请"));
        Assert.Contains($"每局{options.GameWinPoints}积分", await Say(Amy, "/faq 积分"));
        Assert.DoesNotContain("供货折扣", await Say(Owner, "/post incentive"));
    }
}
