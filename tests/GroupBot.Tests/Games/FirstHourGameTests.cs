using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Games;
using GroupBot.Games.Lottery;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Games;

/// <summary>Issue 12, games: what a group admin and members hit in the first hour, through the whole bot.</summary>
public sealed class FirstHourGameTests : IAsyncLifetime
{
    private static readonly ChatUser Owner = BotHarness.Owner;
    private static readonly ChatUser[] Users = Enumerable.Range(0, 6).Select(i => new ChatUser(400 + i, $"M{i}", $"m{i}")).ToArray();
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir);

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    private GameStore Store => _bot.Get<GameStore>();

    private static bool Deletes(IEnumerable<ChatAction> actions) => actions.OfType<DeleteMessage>().Any();

    [Fact]
    public async Task A_message_with_the_answer_is_deleted_whoever_sends_it_and_whatever_its_tries()
    {
        await _bot.Say(Owner, "/guess 59.9 新品栗子 tries=1");
        Assert.False(Deletes(await _bot.Say(Users[0], "/g 50")));
        // Out of tries, the exact price is still answered "no tries left" — and deleted.
        var late = await _bot.Say(Users[0], "/g 59.9");
        Assert.Contains("机会已经用完", late.All());
        Assert.True(Deletes(late));
        // Plain chat, a reply and an admin's message that give the price away go too; a game id does not.
        Assert.True(Deletes(await _bot.Say(Users[1], "我觉得是５９．９０元")));
        Assert.True(Deletes(await _bot.Say(Owner, "答案 59.9 别说出去")));
        Assert.True(Deletes(await _bot.Say(Users[2], "/g 59.9吧")));
        Assert.False(Deletes(await _bot.Say(Users[3], "59块太贵了")));
        Assert.False(Deletes(await _bot.Say(Users[3], "/join 1")));
        // An admin's hint with the answer is refused (the bot would post it) and deleted.
        var hint = await _bot.Say(Owner, "/hint 就是 59.9 哦");
        Assert.True(Deletes(hint));
        Assert.Contains("提示里有答案", hint.All());
        Assert.DoesNotContain(hint.OfType<SendText>(), s => s.Text.Contains("59.9"));
        await _bot.Say(Owner, "/end");
        // Once it is over, the answer is public.
        Assert.False(Deletes(await _bot.Say(Users[1], "原来是 59.9")));
    }

    [Fact]
    public async Task A_name_guess_deletes_any_message_naming_the_answer_and_does_not_show_the_teaser_as_the_prize()
    {
        var open = await _bot.Say(Owner, "/guess name 有机栗仁 秋天的坚果 aliases=栗仁");
        var post = open.OfType<SendText>().Single().Text;
        Assert.DoesNotContain("送：秋天的坚果", post);
        Assert.Contains("第一个猜中送：谜底商品一份", post);
        Assert.True(Deletes(await _bot.Say(Users[0], "是不是 栗 仁 啊")));
        var right = await _bot.Say(Users[1], "/g 有机栗仁");
        Assert.Contains("获得：谜底商品一份", right.All());
        var end = await _bot.Say(Owner, "/end");
        Assert.Contains("获得：有机栗仁", end.All());
    }

    [Fact]
    public async Task A_bare_join_with_two_joinable_games_lists_them_with_ids_and_buttons()
    {
        await _bot.Say(Owner, "/lottery 3 1 栗子一袋");
        await _bot.Say(Owner, "/groupbuy 69 3:65 有机栗仁");
        var which = (await _bot.Say(Users[0], "/join")).OfType<SendText>().Single();
        Assert.Contains("/join 1", which.Text);
        Assert.Contains("/join 2", which.Text);
        Assert.Equal(["g:1:join", "g:2:join"], which.Buttons!.SelectMany(r => r).Select(b => b.Data));
        Assert.Empty(Store.Find(BotHarness.Chat, 1)!.Players);
        Assert.Empty(Store.Find(BotHarness.Chat, 2)!.Players);
        // With an id it goes where it is told; the second game is still open to the same user.
        Assert.Contains("已加入", (await _bot.Say(Users[0], "/join 1")).All());
        Assert.Contains("已参团", (await _bot.Say(Users[0], "/join 2")).All());
        // /leave means the one group buy the caller is in.
        Assert.Contains("已退出", (await _bot.Say(Users[0], "/leave")).All());
        // A move a running game does not take is named as such, not as a game that is not there.
        Assert.Contains("#1 号游戏不能这样玩，发 /games 看看怎么参加", (await _bot.Say(Users[0], "/leave 1")).All());
        Assert.Single(Store.Find(BotHarness.Chat, 1)!.Players);
        Assert.Contains("没有进行中的 #9 号游戏", (await _bot.Say(Users[0], "/join 9")).All());
    }

    [Fact]
    public async Task The_welcome_and_the_grab_hint_name_the_game_id()
    {
        await _bot.Say(Owner, "/lottery 2 1 栗子一袋");
        await _bot.Say(Owner, "/groupbuy 69 3:65 有机栗仁");
        await _bot.Deliver(new MembersJoined(BotHarness.Group, [Users[5]]));
        var welcome = (await _bot.AdvanceAll(TimeSpan.FromMinutes(5))).All();
        Assert.Contains("/join 1 加入", welcome);
        Assert.Contains("/join 2 参团", welcome);
        await _bot.Say(Users[0], "/join 1");
        var full = await _bot.Say(Users[1], "/join 1");
        Assert.Contains("/grab 1", full.All());
    }

    [Fact]
    public async Task Stats_count_everyone_who_guessed_or_left_as_a_player()
    {
        await _bot.Say(Owner, "/guess 59.9 新品栗子");
        await _bot.Say(Users[0], "/g 10");
        await _bot.Say(Users[1], "/g 20");
        await _bot.Say(Owner, "/end");
        await _bot.Say(Owner, "/groupbuy 69 3:65 有机栗仁");
        await _bot.Say(Users[2], "/join");
        await _bot.Say(Users[2], "/leave");
        var stats = (await _bot.Say(Owner, "/stats")).All();
        Assert.Contains("游戏 2 局 · 参与 3 人", stats);
    }

    [Fact]
    public async Task A_member_verifies_a_settled_lottery_in_the_chat()
    {
        await _bot.Say(Owner, "/lottery 3 1 栗子一袋");
        var early = (await _bot.Say(Users[3], "/verify 1")).All();
        Assert.Contains(LotterySplit.Hash(_bot.Entropy_Seed(1)), early);
        Assert.Contains("种子在结算后公布", early);
        for (var i = 0; i < 3; i++) await _bot.Say(Users[i], "/join 1");
        for (var i = 0; i < 3; i++) await _bot.Say(Users[i], "/grab");
        var check = (await _bot.Say(Users[3], "/verify 1")).All();
        Assert.Contains(Convert.ToHexStringLower(_bot.Entropy_Seed(1)), check);
        Assert.Contains("✅ 与开局公布的一致", check);
        var shares = LotterySplit.Shares(100, 3, _bot.Entropy_Seed(1));
        Assert.Contains($"1. {Money.Format(shares[0])} · @m0 实得 {Money.Format(shares[0])} ✅", check);
        Assert.Contains("✅ 全部一致", check);
        Assert.Contains("缺少游戏编号", (await _bot.Say(Users[3], "/verify")).All());
        Assert.Contains("没有 #9 号红包", (await _bot.Say(Users[3], "/verify 9")).All());
    }

    [Fact]
    public async Task The_lottery_result_points_members_to_verify_not_a_server_command()
    {
        await _bot.Say(Owner, "/lottery 2 1 栗子一袋");
        await _bot.Say(Users[0], "/join");
        await _bot.Say(Users[1], "/join");
        await _bot.Say(Users[0], "/grab");
        var result = (await _bot.Say(Users[1], "/grab")).All();
        Assert.Contains("/verify 1", result);
        Assert.DoesNotContain("verify 命令", result);
    }

    [Fact]
    public async Task A_failed_group_buy_with_nobody_in_it_does_not_promise_refunds_to_an_empty_list()
    {
        await _bot.Say(Owner, "/groupbuy 69 3:65 有机栗仁");
        var end = (await _bot.Say(Owner, "/end")).OfType<SendText>().Single().Text;
        Assert.Contains("没有人参团", end);
        Assert.DoesNotContain("每人退", end);
        Assert.False(end.TrimEnd().EndsWith('：'));
    }

    [Fact]
    public async Task A_too_long_product_is_called_the_product()
    {
        var product = new string('栗', 4000);
        Assert.Contains("商品描述太长", (await _bot.Say(Owner, $"/guess 59.9 {product}")).All());
        Assert.Contains("商品描述太长", (await _bot.Say(Owner, $"/groupbuy 69 3:65 {product}")).All());
        Assert.Contains("谜面太长", (await _bot.Say(Owner, $"/guess name 栗子 {product}")).All());
        Assert.Contains("奖品描述太长", (await _bot.Say(Owner, $"/lottery 3 1 {product}")).All());
        Assert.Empty(Store.Live(BotHarness.Chat));
    }
}
