using GroupBot.Chat;
using GroupBot.Games;
using GroupBot.Games.Lottery;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Games;

/// <summary>The lottery through the whole bot: commands, buttons, deadlines on fake time, restarts on the same database.</summary>
public sealed class LotteryFlowTests : IAsyncLifetime
{
    private static readonly ChatUser Owner = BotHarness.Owner;
    private static readonly ChatUser[] Players = Enumerable.Range(0, 10).Select(i => new ChatUser(100 + i, $"P{i}", $"p{i}")).ToArray();
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir);

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    private GameStore Store => _bot.Get<GameStore>();

    private Game OnlyGame() => Assert.Single(Store.Live(BotHarness.Chat));

    private async Task<int> Open(string args = "3 1 栗子一袋")
    {
        var actions = await _bot.Say(Owner, "/lottery " + args);
        var post = Assert.IsType<SendText>(Assert.Single(actions));
        Assert.Contains("🧧", post.Text);
        Assert.Equal("g:1:join", post.Buttons![0][0].Data);
        return 1001; // FakeChat numbers the bot's messages from 1001
    }

    [Fact]
    public async Task Full_game_by_buttons_and_commands_settles_once_with_the_right_winner_and_ledger()
    {
        var messageId = await Open();
        await _bot.Press(Players[0], messageId, "g:1:join");
        await _bot.Say(Players[1], "/join");
        var fill = await _bot.Press(Players[2], messageId, "g:1:join");
        Assert.Contains(fill.OfType<EditText>(), e => e.MessageId == messageId && e.Buttons![0][0].Data == "g:1:grab");
        Assert.Contains(fill.OfType<SendText>(), s => s.Text.Contains("满员"));
        Assert.Equal(GameState.Full, OnlyGame().State);

        var shares = LotterySplit.Shares(100, 3, _bot.Entropy_Seed(1));
        var g1 = await _bot.Press(Players[2], messageId, "g:1:grab");
        Assert.Equal($"🧧 你抢到了 {Money.Format(shares[0])}", Assert.Single(g1.OfType<AnswerButton>()).Text);
        await _bot.Say(Players[0], "/grab");
        var last = await _bot.Say(Players[1], "/grab");
        var result = Assert.Single(last.OfType<SendText>(), s => s.Text.Contains("🏆"));
        Assert.Contains(Convert.ToHexStringLower(_bot.Entropy_Seed(1)), result.Text);

        var game = Store.Find(BotHarness.Chat, 1)!;
        Assert.Equal(GameState.Settled, game.State);
        var expectedWinner = new[] { (Players[2], shares[0], 1), (Players[0], shares[1], 2), (Players[1], shares[2], 3) }
            .OrderBy(x => x.Item2).ThenBy(x => x.Item3).First().Item1;
        Assert.Equal(expectedWinner.Id, game.Lottery!.WinnerUserId);
        Assert.Contains($"恭喜 {expectedWinner.DisplayName}", result.Text);
        Assert.Contains(last.OfType<SendText>(), s => s.Text.Contains("💝"));

        var ledger = Store.LedgerOf(1);
        Assert.Equal(3, ledger.Count(l => l.Kind == LedgerKind.Pledge));
        Assert.Equal(3, ledger.Count(l => l.Kind == LedgerKind.Stake));
        Assert.Equal(100, ledger.Where(l => l.Kind == LedgerKind.Share).Sum(l => l.AmountFen));
        Assert.Single(ledger, l => l.Kind == LedgerKind.Prize && l.UserId == expectedWinner.Id);

        // Late presses and commands change nothing.
        var late = await _bot.Press(Players[0], messageId, "g:1:grab");
        Assert.Equal("这局游戏已经结束了", Assert.Single(late.OfType<AnswerButton>()).Text);
        Assert.Equal(ledger.Count, Store.LedgerOf(1).Count);
    }

    [Fact]
    public async Task Double_presses_and_repeated_commands_never_join_or_grab_twice()
    {
        var messageId = await Open("2 1 奖品");
        await _bot.Press(Players[0], messageId, "g:1:join");
        var again = await _bot.Press(Players[0], messageId, "g:1:join");
        Assert.Equal("你已经加入了", Assert.Single(again.OfType<AnswerButton>()).Text);
        await _bot.Say(Players[0], "/join");
        Assert.Single(OnlyGame().Players);
        await _bot.Say(Players[1], "/join");
        await _bot.Press(Players[0], messageId, "g:1:grab");
        var twice = await _bot.Press(Players[0], messageId, "g:1:grab");
        Assert.StartsWith("你已经抢过了", Assert.Single(twice.OfType<AnswerButton>()).Text);
        Assert.Single(Store.LedgerOf(1), l => l.Kind == LedgerKind.Pledge && l.UserId == Players[0].Id);
    }

    [Fact]
    public async Task Not_full_by_the_deadline_cancels_and_refunds_everyone_by_name()
    {
        await Open("5 1 奖品 deadline=30m stake=2");
        await _bot.Say(Players[0], "/join");
        await _bot.Say(Players[1], "/join");
        Assert.DoesNotContain(await _bot.Advance(TimeSpan.FromMinutes(29)), a => a is SendText);
        var actions = await _bot.Advance(TimeSpan.FromMinutes(1));
        var notice = Assert.Single(actions.OfType<SendText>());
        Assert.Contains("截止时人数未满", notice.Text);
        Assert.Contains("@p0 ¥2.00", notice.Text);
        Assert.Contains("@p1 ¥2.00", notice.Text);
        Assert.Equal(GameState.Cancelled, Store.Find(BotHarness.Chat, 1)!.State);
        Assert.Equal([Players[0].Id, Players[1].Id], Store.LedgerOf(1).Where(l => l.Kind == LedgerKind.Refund).Select(l => l.UserId));
        Assert.Equal("本群现在没有进行中的游戏", (await _bot.Say(Players[2], "/join")).Texts().Single());
    }

    [Fact]
    public async Task Stragglers_get_the_remaining_shares_when_the_grab_window_ends()
    {
        await Open("3 1 奖品");
        foreach (var p in Players.Take(3)) await _bot.Say(p, "/join");
        await _bot.Say(Players[2], "/grab");
        var actions = await _bot.Advance(LotteryRules.DefaultGrabWindow);
        Assert.Contains(actions.OfType<SendText>(), s => s.Text.Contains("🏆"));
        var game = Store.Find(BotHarness.Chat, 1)!;
        var shares = LotterySplit.Shares(100, 3, _bot.Entropy_Seed(1));
        Assert.Equal([shares[1], shares[2], shares[0]], game.Players.Select(p => p.ShareFen!.Value));
    }

    [Fact]
    public async Task The_verify_command_re_derives_exactly_the_shares_the_result_posted_and_the_seed_stays_secret_until_then()
    {
        var before = new List<ChatAction>(await _bot.Say(Owner, "/lottery 4 ¥0.37 奖品"));
        foreach (var p in Players.Take(4)) before.AddRange(await _bot.Say(p, "/join"));
        before.AddRange(await _bot.Say(Players[3], "/grab"));
        before.AddRange(await _bot.Say(Players[1], "/grab"));
        before.AddRange(await _bot.Say(Players[1], "/games"));
        var seedHex = Convert.ToHexStringLower(_bot.Entropy_Seed(1));
        Assert.Contains(before.Texts(), t => t.Contains(LotterySplit.Hash(_bot.Entropy_Seed(1))));
        Assert.DoesNotContain(before.Texts(), t => t.Contains(seedHex, StringComparison.OrdinalIgnoreCase));

        // Two grabbed, two are stragglers when the window ends.
        var result = Assert.Single((await _bot.Advance(LotteryRules.DefaultGrabWindow)).OfType<SendText>(), s => s.Text.Contains("🏆")).Text;
        var posted = System.Text.RegularExpressions.Regex.Matches(result, @"^(\d+)\. \S+ (¥\d+\.\d\d)", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => (Order: int.Parse(m.Groups[1].Value), Amount: m.Groups[2].Value)).ToList();
        Assert.Equal([1, 2, 3, 4], posted.Select(p => p.Order));
        var revealed = System.Text.RegularExpressions.Regex.Match(result, "种子：([0-9a-f]{64})").Groups[1].Value;
        Assert.Equal(seedHex, revealed);

        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, LotteryVerify.Run(["lottery", revealed, "¥0.37", "4"], output, error));
        var derived = System.Text.RegularExpressions.Regex.Matches(output.ToString(), @"^\s*\d+\. (¥\d+\.\d\d)", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(posted.Select(p => p.Amount), derived);
        Assert.Contains($"seed sha256: {LotterySplit.Hash(_bot.Entropy_Seed(1))}", output.ToString());
        Assert.Empty(error.ToString());
    }

    [Theory]
    [InlineData(new[] { "lottery", "zz", "1", "3" }, "not a hex seed")]
    [InlineData(new[] { "lottery", "00ff", "cheap", "3" }, "not an amount")]
    [InlineData(new[] { "lottery", "00ff", "1", "three" }, "not a whole number")]
    [InlineData(new[] { "lottery", "00ff", "0.09", "10" }, "pot_too_small")]
    [InlineData(new[] { "lottery", "00ff", "1" }, "usage: verify lottery")]
    [InlineData(new[] { "guess" }, "usage: verify lottery")]
    public void The_verify_command_refuses_bad_input_with_the_usage(string[] args, string reason)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.Equal(2, LotteryVerify.Run(args, output, error));
        Assert.Contains(reason, error.ToString());
        Assert.Contains("usage: verify lottery", error.ToString());
        Assert.Empty(output.ToString());
    }

    [Fact]
    public async Task An_admin_cancel_refunds_every_stake_by_name_once_whether_filling_or_grabbing()
    {
        await Open("3 1 奖品 stake=2");
        await _bot.Say(Players[0], "/join");
        await _bot.Say(Players[1], "/join");
        var cancelled = await _bot.Say(Owner, "/cancel");
        var notice = Assert.Single(cancelled.OfType<SendText>()).Text;
        Assert.Contains("管理员取消", notice);
        Assert.Contains("@p0 ¥2.00", notice);
        Assert.Contains("@p1 ¥2.00", notice);
        Assert.Contains(cancelled.OfType<EditText>(), e => e.Text.Contains("已取消") && e.Buttons is null or { Count: 0 });
        Assert.Equal("本群现在没有进行中的游戏", (await _bot.Say(Owner, "/cancel")).Texts().Single());
        // The fill deadline of the cancelled game does nothing when it comes.
        Assert.Empty(await _bot.Advance(TimeSpan.FromHours(2)));
        Assert.Equal(2, Store.LedgerOf(1).Count(l => l.Kind == LedgerKind.Refund));

        // A lottery that is grabbing can be cancelled too: stakes back, no shares, no prize.
        await _bot.Say(Owner, "/lottery 2 1 奖品");
        await _bot.Say(Players[0], "/join");
        await _bot.Say(Players[1], "/join");
        await _bot.Say(Players[0], "/grab");
        await _bot.Say(Owner, "/cancel 2");
        var ledger = Store.LedgerOf(2);
        Assert.Equal(GameState.Cancelled, Store.Find(BotHarness.Chat, 2)!.State);
        Assert.Equal(2, ledger.Count(l => l.Kind == LedgerKind.Refund && l.AmountFen == 100));
        Assert.DoesNotContain(ledger, l => l.Kind is LedgerKind.Share or LedgerKind.Prize or LedgerKind.Stake);
    }

    [Fact]
    public async Task A_restart_between_join_and_grab_and_between_grab_and_settle_loses_nothing_and_pays_once()
    {
        await Open("3 1 奖品");
        await _bot.Say(Players[0], "/join");
        await _bot.Say(Players[1], "/join");
        await _bot.Restart();
        await _bot.Say(Players[1], "/join");
        await _bot.Say(Players[2], "/join");
        Assert.Equal(GameState.Full, OnlyGame().State);
        await _bot.Say(Players[0], "/grab");
        await _bot.Restart();
        await _bot.Say(Players[0], "/grab");
        await _bot.Say(Players[1], "/grab");
        await _bot.Say(Players[2], "/grab");
        var ledger = Store.LedgerOf(1);
        Assert.Equal(GameState.Settled, Store.Find(BotHarness.Chat, 1)!.State);
        Assert.Equal(3, ledger.Count(l => l.Kind == LedgerKind.Pledge));
        Assert.Equal(100, ledger.Where(l => l.Kind == LedgerKind.Share).Sum(l => l.AmountFen));
        Assert.Single(ledger, l => l.Kind == LedgerKind.Prize);
    }

    [Fact]
    public async Task A_deadline_that_passed_while_the_bot_was_down_settles_at_start_and_says_so()
    {
        await Open("3 1 奖品 deadline=10m");
        await _bot.Say(Players[0], "/join");
        await _bot.DisposeAsync();
        _bot.Time.Advance(TimeSpan.FromHours(2));
        await _bot.Restart();
        var actions = await _bot.Advance(TimeSpan.Zero);
        Assert.Contains(actions.OfType<SendText>(), s => s.Text.Contains("机器人离线期间到期"));
        Assert.Equal(GameState.Cancelled, Store.Find(BotHarness.Chat, 1)!.State);
        Assert.Single(Store.LedgerOf(1), l => l.Kind == LedgerKind.Refund);
    }

    [Fact]
    public async Task A_grab_window_that_ended_while_the_bot_was_down_settles_at_start_with_the_stragglers_and_says_so()
    {
        await Open("3 1 奖品");
        foreach (var p in Players.Take(3)) await _bot.Say(p, "/join");
        await _bot.Say(Players[1], "/grab");
        await _bot.DisposeAsync();
        _bot.Time.Advance(TimeSpan.FromHours(1));
        await _bot.Restart();
        var result = Assert.Single((await _bot.Advance(TimeSpan.Zero)).OfType<SendText>(), s => s.Text.Contains("🏆")).Text;
        Assert.Contains("机器人离线期间到期", result);
        var game = Store.Find(BotHarness.Chat, 1)!;
        Assert.Equal(GameState.Settled, game.State);
        var shares = LotterySplit.Shares(100, 3, _bot.Entropy_Seed(1));
        Assert.Equal([shares[1], shares[0], shares[2]], game.Players.Select(p => p.ShareFen!.Value));
        Assert.Single(Store.LedgerOf(1), l => l.Kind == LedgerKind.Prize);
        await _bot.Restart();
        Assert.DoesNotContain(await _bot.Advance(TimeSpan.FromHours(1)), a => a.ToString()!.Contains("红包"));
        Assert.Single(Store.LedgerOf(1), l => l.Kind == LedgerKind.Prize);
    }

    [Theory]
    [InlineData("/lottery", "缺少人数、红包金额和奖品")]
    [InlineData("/lottery 0 1 x", "人数至少 2 人")]
    [InlineData("/lottery 10000 1 x", "人数最多 100 人")]
    [InlineData("/lottery 10 -1 x", "「-1」不是金额")]
    [InlineData("/lottery 10 0.09 x", "红包金额太小")]
    [InlineData("/lottery ten 1 x", "人数「ten」不是整数")]
    [InlineData("/lottery 3 1 x colour=red", "不认识的选项 colour")]
    [InlineData("/lottery 3 1 x stake=abc", "「abc」不是金额")]
    [InlineData("/lottery 3 1 x mode=middle", "玩法「middle」")]
    [InlineData("/lottery 3 1 x deadline=40d", "截止时间「40d」看不懂")]
    public async Task Malformed_lottery_gets_one_line_with_the_form_and_changes_nothing(string command, string reason)
    {
        var reply = Assert.Single((await _bot.Say(Owner, command)).Texts());
        Assert.Contains(reason, reply);
        Assert.Contains("用法：/lottery <人数> <红包金额> <奖品…>", reply);
        Assert.DoesNotContain('\n', reply);
        Assert.Empty(Store.Live(BotHarness.Chat));
    }

    [Fact]
    public async Task A_second_open_lottery_is_refused_and_members_cannot_open_end_or_cancel()
    {
        await Open();
        Assert.Contains("已有一局红包游戏（#1）", (await _bot.Say(Owner, "/lottery 3 1 y")).Texts().Single());
        Assert.Contains("只有群管理员可以使用", (await _bot.Say(Players[0], "/lottery 3 1 y")).Texts().Single());
        Assert.Contains("只有群管理员可以使用", (await _bot.Say(Players[0], "/cancel")).Texts().Single());
        Assert.Contains("只有群管理员可以使用", (await _bot.Say(Players[0], "/end")).Texts().Single());
        Assert.Single(Store.Live(BotHarness.Chat));
        Assert.Equal(GameState.Open, OnlyGame().State);
    }

    [Fact]
    public async Task End_settles_a_full_game_now_and_refuses_one_still_filling()
    {
        await Open("2 1 奖品");
        await _bot.Say(Players[0], "/join");
        Assert.Contains("还没满员，不能结算", (await _bot.Say(Owner, "/end")).Texts().Single());
        await _bot.Say(Players[1], "/join");
        var actions = await _bot.Say(Owner, "/end 1");
        Assert.Contains(actions.OfType<SendText>(), s => s.Text.Contains("🏆"));
        Assert.Equal(GameState.Settled, Store.Find(BotHarness.Chat, 1)!.State);
    }

    [Fact]
    public async Task Games_lists_what_is_running()
    {
        Assert.Equal("本群现在没有进行中的游戏。", (await _bot.Say(Players[0], "/games")).Texts().Single());
        await Open();
        Assert.Contains("#1 红包手气最差 · 栗子一袋 · 已加入 0/3", (await _bot.Say(Players[0], "/games")).Texts().Single());
    }
}
