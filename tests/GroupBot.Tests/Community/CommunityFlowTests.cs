using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Community;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Community;

/// <summary>Members, points, levels, leaderboard, welcome and invite links through the whole bot.</summary>
public sealed class CommunityFlowTests : IAsyncLifetime
{
    private static readonly ChatUser Owner = BotHarness.Owner;
    private static readonly ChatUser Amy = new(301, "Amy", "amy");
    private static readonly ChatUser Ben = new(302, "Ben", "ben");
    private static readonly ChatUser NoUsername = new(303, "小王");
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync()
    {
        // The brand's own groups, listed by the operator: their records count brand-wide (TrustTests covers the others).
        _dir.WithBotFiles();
        File.WriteAllText(Path.Combine(_dir.Path, "config", "groups.json"),
            $$"""{ "groups": [ { "id": {{BotHarness.Chat}} }, { "id": -2001 }, { "id": -2002 }, { "id": -555 } ] }""");
        _bot = await BotHarness.Start(_dir, _dir.Path, ("Community:WelcomePoints", "5"));
        await _bot.Say(Amy, "大家好");
        await _bot.Say(Ben, "你好");
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    private static string Text(List<ChatAction> actions) => actions.OfType<SendText>().Single().Text;

    [Fact]
    public async Task An_award_or_sale_handled_again_after_a_crash_counts_once()
    {
        // After a crash the inbox hands the same update (same message) to the bot again.
        var award = new MessageReceived(BotHarness.Group, Owner, 9001, "/award @amy 50 好文案");
        var sale = new MessageReceived(BotHarness.Group, Owner, 9002, "/sale @amy 88");
        for (var i = 0; i < 2; i++)
        {
            await _bot.Deliver2(award);
            await _bot.Deliver2(sale);
        }
        var points = _bot.Get<Points>();
        Assert.Equal(50, points.TotalPoints(Amy.Id));
        Assert.Equal(8800, points.TotalSales(Amy.Id));
        // A new message with the same words is a new award.
        await _bot.Say(Owner, "/award @amy 50 好文案");
        Assert.Equal(100, points.TotalPoints(Amy.Id));
    }

    [Fact]
    public async Task Awards_and_sales_feed_me_levels_and_the_leaderboard()
    {
        Assert.Contains("@amy +120 积分（好文案），累计 120 · 中级", Text(await _bot.Say(Owner, "/award @amy 120 好文案")));
        await _bot.Say(Owner, "/award @ben 30");
        Assert.Contains("已记录 @ben 销售 ¥1000.00", Text(await _bot.Say(Owner, "/sale @ben 1000 十盒礼盒")));
        var me = Text(await _bot.Say(Amy, "/me"));
        Assert.Contains("@amy · 中级", me);
        Assert.Contains("积分 120（本周 120 · 本月 120）· 排名 第 1 / 2", me);
        var top = Text(await _bot.Say(Ben, "/top week"));
        Assert.True(top.IndexOf("@amy", StringComparison.Ordinal) < top.IndexOf("@ben", StringComparison.Ordinal));
        Assert.Contains("🥇 @ben ¥1000.00", Text(await _bot.Say(Ben, "/top all by=sales")));
        // Next week the weekly board starts afresh; the all-time board does not.
        await _bot.AdvanceAll(TimeSpan.FromDays(7));
        Assert.Contains("还没有人上榜", Text(await _bot.Say(Ben, "/top week")));
        Assert.Contains("@amy 120 分", Text(await _bot.Say(Ben, "/top all")));
    }

    [Fact]
    public async Task The_leaderboard_across_a_tag_adds_up_every_group_with_that_tag_and_no_other()
    {
        var east = new ChatInfo(-2001, ChatKind.Supergroup, "浦东群");
        var north = new ChatInfo(-2002, ChatKind.Supergroup, "北京群");
        await _bot.Say(Owner, "/tag city=上海");
        await _bot.SayIn(east, Owner, "/tag city=上海");
        await _bot.SayIn(north, Owner, "/tag city=北京");
        await _bot.Say(Owner, "/award @amy 10");
        await _bot.SayIn(east, Owner, "/award @amy 15");
        await _bot.SayIn(east, Owner, "/award @ben 20");
        await _bot.SayIn(north, Owner, "/award @ben 100");

        var here = Text(await _bot.Say(Ben, "/top all"));
        Assert.Contains("🥇 @amy 10 分", here);
        Assert.DoesNotContain("@ben", here);
        var city = Text(await _bot.SayIn(north, Ben, "/top all tag=city:上海"));
        Assert.Contains("（city:上海 全部群）", city);
        Assert.Contains("🥇 @amy 25 分", city);
        Assert.Contains("🥈 @ben 20 分", city);
        Assert.Contains("🥇 @ben 100 分", Text(await _bot.SayIn(north, Ben, "/top all tag=city:北京")));
        Assert.Contains("还没有人上榜", Text(await _bot.Say(Ben, "/top all tag=city:广州")));
        Assert.Contains("应写成 键=值", Text(await _bot.Say(Ben, "/top all tag=city")));
    }

    [Fact]
    public async Task Text_mentions_resolve_and_unknown_users_get_a_clear_reply()
    {
        await _bot.Say(NoUsername, "我没有用户名");
        var actions = await _bot.Deliver2(new MessageReceived(BotHarness.Group, Owner, 900, "/award 小王 10 积极", Mentions: [NoUsername]));
        Assert.Contains("小王 +10 积分", Text(actions));
        Assert.Contains("不认识 @ghost", Text(await _bot.Say(Owner, "/award @ghost 10")));
        Assert.Contains("积分应为非零整数", Text(await _bot.Say(Owner, "/award @amy lots")));
        Assert.Contains("积分应为非零整数", Text(await _bot.Say(Owner, "/award @amy 99999")));
        Assert.Equal(0, _bot.Get<Points>().TotalPoints(Amy.Id));
    }

    [Fact]
    public async Task Admin_level_is_kept_and_members_cannot_award_sell_or_level()
    {
        Assert.Contains("@ben 的等级已设为 金牌", Text(await _bot.Say(Owner, "/level @ben 金牌")));
        Assert.Contains("等级只能是 初级/中级/高级/金牌", Text(await _bot.Say(Owner, "/level @ben 钻石")));
        foreach (var command in new[] { "/award @amy 100", "/sale @amy 5", "/level @amy 金牌", "/welcome off", "/stats" })
            Assert.Contains("只有群管理员可以使用", Text(await _bot.Say(Amy, command)));
        Assert.Equal(0, _bot.Get<Points>().TotalPoints(Amy.Id));
        Assert.Equal("金牌", _bot.Get<Members>().Find(Ben.Id)!.Level);
    }

    [Fact]
    public async Task A_burst_of_joins_gets_one_welcome_even_when_telegram_reports_each_join_twice()
    {
        var newcomers = Enumerable.Range(0, 4).Select(i => new ChatUser(400 + i, $"N{i}", $"n{i}")).ToArray();
        foreach (var n in newcomers)
        {
            await _bot.Deliver(new MembersJoined(BotHarness.Group, [n]));            // the service message
            await _bot.Deliver(new MembersJoined(BotHarness.Group, [n], "https://t.me/+other")); // chat_member
        }
        var actions = await _bot.AdvanceAll(TimeSpan.FromSeconds(10));
        var welcome = Assert.Single(actions.OfType<SendText>());
        Assert.Contains("欢迎 @n0、@n1、@n2、@n3 加入测试群", welcome.Text);
        Assert.Contains("5 积分已到账", welcome.Text);
        Assert.Equal(5, _bot.Get<Points>().TotalPoints(newcomers[0].Id));
        Assert.Empty((await _bot.AdvanceAll(TimeSpan.FromSeconds(30))).OfType<SendText>());
    }

    [Fact]
    public async Task A_restart_during_the_welcome_delay_still_welcomes_once_and_counts_each_join_once()
    {
        var dan = new ChatUser(470, "Dan", "dan");
        await _bot.Deliver(new MembersJoined(BotHarness.Group, [dan]));
        await _bot.Deliver(new MembersJoined(BotHarness.Group, [dan], "https://t.me/+other"));
        Assert.Contains("新进 1 人", Text(await _bot.Say(Owner, "/stats")));
        await _bot.Restart();
        await _bot.Deliver(new MembersJoined(BotHarness.Group, [new ChatUser(471, "Eve", "eve")]));
        var welcome = Assert.Single((await _bot.AdvanceAll(TimeSpan.FromSeconds(10))).OfType<SendText>());
        Assert.Contains("欢迎 @dan、@eve 加入测试群", welcome.Text);
        Assert.Equal(5, _bot.Get<Points>().TotalPoints(dan.Id));
        await _bot.Restart();
        Assert.Empty((await _bot.AdvanceAll(TimeSpan.FromSeconds(30))).OfType<SendText>());
        Assert.Contains("新进 2 人", Text(await _bot.Say(Owner, "/stats")));
    }

    [Fact]
    public async Task Welcome_off_greets_nobody()
    {
        await _bot.Say(Owner, "/welcome off");
        await _bot.Deliver(new MembersJoined(BotHarness.Group, [new ChatUser(450, "Q", "q")]));
        Assert.Empty((await _bot.AdvanceAll(TimeSpan.FromSeconds(10))).OfType<SendText>());
    }

    [Fact]
    public async Task A_newcomer_through_a_personal_link_is_attributed_once_and_shows_in_me_and_recruits()
    {
        var link = Text(await _bot.Say(Amy, "/mylink")).Split('\n')[1];
        await _bot.AdvanceAll(CommandRouter.RepeatWindow); // the same answer again within the window is not sent again
        Assert.Equal(link, Text(await _bot.Say(Amy, "/mylink")).Split('\n')[1]); // created once, then reused
        var carol = new ChatUser(310, "Carol", "carol");
        await _bot.Deliver(new MembersJoined(BotHarness.Group, [carol], link));
        await _bot.Deliver(new MembersJoined(BotHarness.Group, [carol], link)); // repeated update
        Assert.Equal(Amy.Id, _bot.Get<Members>().Find(carol.Id)!.InvitedBy);
        Assert.Equal(20, _bot.Get<Points>().TotalPoints(Amy.Id));
        Assert.Contains("邀请新人 1 位", Text(await _bot.Say(Amy, "/me")));
        Assert.Contains("由 @amy 邀请", Text(await _bot.Say(carol, "/me")));
        Assert.Contains("🥇 @amy 1 位", Text(await _bot.Say(Ben, "/top all by=recruits")));
    }

    [Fact]
    public async Task Mylink_without_the_right_to_invite_says_what_to_fix_and_stores_nothing()
    {
        _bot.Chat_.InviteLinksRefused = true;
        Assert.Contains("需要把机器人设为群管理员并允许\"邀请用户\"", Text(await _bot.Say(Amy, "/mylink")));
        Assert.Null(_bot.Get<InviteLinks>().Of(BotHarness.Chat, Amy.Id));
        _bot.Chat_.InviteLinksRefused = false;
        var link = Text(await _bot.Say(Amy, "/mylink")).Split('\n')[1];
        Assert.Equal("https://t.me/+fake-1009x@amy", link); // named after the distributor
        Assert.Equal(Amy.Id, _bot.Get<InviteLinks>().OwnerOf(BotHarness.Chat, link));
    }

    [Fact]
    public async Task A_lottery_win_gives_points_once()
    {
        await _bot.Say(Owner, "/lottery 2 1 奖品");
        await _bot.Say(Amy, "/join");
        await _bot.Say(Ben, "/join");
        await _bot.Say(Amy, "/grab");
        await _bot.Say(Ben, "/grab");
        var game = _bot.Get<GroupBot.Games.GameStore>().Find(BotHarness.Chat, 1)!;
        var winner = game.Lottery!.WinnerUserId!.Value;
        Assert.Equal(10, _bot.Get<Points>().TotalPoints(winner));
    }

    [Fact]
    public async Task Stats_counts_joins_messages_and_games()
    {
        await _bot.Deliver(new MembersJoined(BotHarness.Group, [new ChatUser(460, "R", "r")]));
        await _bot.AdvanceAll(TimeSpan.FromSeconds(10));
        await _bot.Say(Owner, "/groupbuy 69 3:65 栗子");
        await _bot.Say(Amy, "/join");
        var stats = Text(await _bot.Say(Owner, "/stats 7d"));
        Assert.Contains("新进 1 人", stats);
        Assert.Contains("活跃 3 人", stats);
        Assert.Contains("游戏 1 局 · 参与 1 人 · 团购参团 1 人（活跃成员转化 33.3%）", stats);
        Assert.Contains("天数「0」应为 1 到 90", Text(await _bot.Say(Owner, "/stats 0")));
    }

    [Fact]
    public async Task Migration_to_a_supergroup_keeps_points_games_tags_and_links()
    {
        var old = new ChatInfo(-555, ChatKind.Group, "老群");
        var moved = new ChatInfo(-1005550000, ChatKind.Supergroup, "老群");
        await _bot.SayIn(old, Amy, "hi");
        await _bot.SayIn(old, Owner, "/award @amy 50");
        await _bot.SayIn(old, Owner, "/tag city=上海");
        await _bot.SayIn(old, Owner, "/faq add 暗号 芝麻开门");
        await _bot.SayIn(old, Owner, "/lottery 3 1 奖品");
        var link = Text(await _bot.SayIn(old, Amy, "/mylink")).Split('\n')[1];
        await _bot.Deliver(new ChatMigrated(old, moved.Id));
        Assert.Contains("芝麻开门", Text(await _bot.SayIn(moved, Amy, "/faq 暗号")));
        Assert.Contains("city=上海", Text(await _bot.SayIn(moved, Owner, "/tag")));
        Assert.Contains("#1 红包", Text(await _bot.SayIn(moved, Amy, "/games")));
        Assert.Contains("@amy 50 分", Text(await _bot.SayIn(moved, Amy, "/top all")));
        Assert.Equal(Amy.Id, _bot.Get<InviteLinks>().OwnerOf(moved.Id, link));
    }
}
