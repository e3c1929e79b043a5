using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Games;
using GroupBot.Games.Bargain;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Commerce;

/// <summary>签到 and 砍价 through the whole bot, on fake time (the harness starts at 2026-11-22 20:00 Shanghai).</summary>
public sealed class CheckInAndBargainFlowTests : IAsyncLifetime
{
    private static readonly ChatUser Owner = BotHarness.Owner;
    private static readonly ChatUser[] Users = Enumerable.Range(0, 8).Select(i => new ChatUser(300 + i, $"U{i}", $"u{i}")).ToArray();
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir);

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    private long PointsOf(ChatUser u) => _bot.Get<Points>().TotalPoints(u.Id, BotHarness.Chat);

    [Fact]
    public async Task Check_in_once_per_local_day_with_a_growing_streak_that_a_missed_day_resets()
    {
        var first = await _bot.Say(Users[0], "/checkin");
        Assert.Contains("签到成功，+5 积分", first.All());
        Assert.Contains("连续签到 1 天", first.All());
        var again = await _bot.Say(Users[0], "/checkin");
        Assert.Contains("今天已经签到过了", again.All());
        Assert.Equal(5, PointsOf(Users[0]));

        // 20:00 → 23:59 Shanghai is the same day; 00:01 is the next.
        await _bot.AdvanceAll(TimeSpan.FromHours(3).Add(TimeSpan.FromMinutes(59)));
        Assert.Contains("已经签到过了", (await _bot.Say(Users[0], "/checkin")).All());
        await _bot.AdvanceAll(TimeSpan.FromMinutes(2));
        Assert.Contains("+6 积分！连续签到 2 天", (await _bot.Say(Users[0], "/checkin")).All());
        Assert.Equal(11, PointsOf(Users[0]));

        // Leaving and joining again changes nothing: still checked in today.
        await _bot.Deliver2(new MemberLeft(BotHarness.Group, Users[0]));
        await _bot.Deliver2(new MembersJoined(BotHarness.Group, [Users[0]]));
        Assert.Contains("已经签到过了", (await _bot.Say(Users[0], "/checkin")).All());
        Assert.Equal(11, PointsOf(Users[0]));

        // A restart keeps the streak.
        await _bot.Restart();
        await _bot.AdvanceAll(TimeSpan.FromDays(1));
        Assert.Contains("连续签到 3 天", (await _bot.Say(Users[0], "/checkin")).All());
        // A missed day starts over.
        await _bot.AdvanceAll(TimeSpan.FromDays(2));
        var reset = await _bot.Say(Users[0], "/checkin");
        Assert.Contains("+5 积分！连续签到 1 天（累计 4 天）", reset.All());
        Assert.Equal(5 + 6 + 7 + 5, PointsOf(Users[0]));
    }

    [Fact]
    public async Task Help_lists_the_new_commands()
    {
        var help = (await _bot.Say(Users[0], "/help")).All();
        Assert.Contains("/checkin — 每日签到领积分", help);
        Assert.Contains("/bargain <商品编号> — 发起砍价", help);
        Assert.Contains("/team", help);
    }

    [Fact]
    public async Task Check_in_is_for_groups()
    {
        var reply = await _bot.SayIn(new ChatInfo(Users[1].Id, ChatKind.Private, "U1"), Users[1], "/checkin");
        Assert.DoesNotContain("签到成功", reply.All());
        Assert.Equal(0, _bot.Get<Points>().TotalPoints(Users[1].Id));
    }

    [Fact]
    public async Task A_bargain_is_cut_by_friends_once_each_down_to_the_floor_and_the_starter_gets_a_coupon()
    {
        var missing = (await _bot.Say(Users[0], "/bargain")).All();
        Assert.Contains("请带上商品编号，例如 /bargain chestnut（可选：chestnut / ", missing);
        Assert.DoesNotContain("（可选：）", missing);
        Assert.Contains("没有商品「nope」", (await _bot.Say(Users[0], "/bargain nope")).All());
        var open = await _bot.Say(Users[0], "/bargain chestnut");
        var posted = Assert.IsType<SendText>(Assert.Single(open));
        Assert.Contains("砍价 #1：@u0", posted.Text);
        Assert.Contains("原价 ¥12.90", posted.Text);
        Assert.Equal("g:1:help", posted.Buttons!.Single().Single().Data);
        Assert.Contains("已经有一局砍价", (await _bot.Say(Users[0], "/bargain walnut")).All());

        var self = await _bot.Press(Users[0], 1001, "g:1:help");
        Assert.Contains("不能给自己砍价", Assert.IsType<AnswerButton>(Assert.Single(self)).Text);
        var game = _bot.Get<GameStore>().Find(BotHarness.Chat, 1)!;
        var part = game.Bargain!;
        var cuts = BargainRules.Cuts(part.ListFen, part.FloorFen, part.Helpers, _bot.Entropy_Seed(1));

        var cut = await _bot.Press(Users[1], 1001, "g:1:help");
        Assert.Contains($"你砍掉了 {Money.Format(cuts[0])}", cut.All());
        Assert.Contains("已经帮砍过了", (await _bot.Press(Users[1], 1001, "g:1:help")).All());
        await _bot.Restart();
        List<ChatAction> last = [];
        for (var i = 2; i <= part.Helpers; i++) last = await _bot.Press(Users[i], 1001, "g:1:help");
        var result = last.OfType<SendText>().Single(s => s.Text.Contains("结束"));
        Assert.Contains($"以 {Money.Format(part.FloorFen)} 购买", result.Text);
        Assert.Contains("已砍到底价", result.Text);
        game = _bot.Get<GameStore>().Find(BotHarness.Chat, 1)!;
        Assert.Equal(GameState.Settled, game.State);
        Assert.Contains(game.Bargain!.Coupon!, result.Text);
        Assert.Contains(Convert.ToHexStringLower(_bot.Entropy_Seed(1)), result.Text);
        Assert.Equal(cuts, game.Players.OrderBy(p => p.GrabOrder).Select(p => p.ShareFen!.Value).ToArray());
        var coupon = Assert.Single(_bot.Get<GameStore>().LedgerOf(1), l => l.Kind == LedgerKind.Coupon);
        Assert.Equal(Users[0].Id, coupon.UserId);
        Assert.Contains("这局游戏已经结束", (await _bot.Press(Users[7], 1001, "g:1:help")).All());
    }

    [Fact]
    public async Task A_bargain_ends_at_its_deadline_at_the_price_reached_and_admins_cancel_not_members()
    {
        await _bot.Say(Users[0], "/bargain walnut");
        await _bot.Press(Users[1], 1001, "g:1:help");
        Assert.Contains("砍价", (await _bot.Say(Users[2], "/games")).All());
        var ended = await _bot.Advance(TimeSpan.FromHours(25));
        var game = _bot.Get<GameStore>().Find(BotHarness.Chat, 1)!;
        Assert.Equal(GameState.Settled, game.State);
        Assert.Contains($"以 {Money.Format(game.Bargain!.ListFen - game.Players[0].ShareFen!.Value)} 购买", ended.All());

        await _bot.Say(Users[3], "/bargain walnut");
        Assert.Contains("管理员", (await _bot.Say(Users[3], "/cancel")).All());
        Assert.Contains("已被管理员取消", (await _bot.Say(Owner, "/cancel")).All());
        Assert.Equal(GameState.Cancelled, _bot.Get<GameStore>().Find(BotHarness.Chat, 2)!.State);
    }
}
