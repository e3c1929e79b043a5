using GroupBot.Games;

namespace GroupBot.Tests.EndToEnd;

/// <summary>Issues 4 and 5 end to end: the games with real users, buttons and restarts against the peer.</summary>
[Trait("Category", "EndToEnd")]
public sealed class GamesEndToEndTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    private static readonly PeerUser Owner = new(31, "Olga", "olga");
    private static readonly PeerUser[] Players = Enumerable.Range(0, 10).Select(i => new PeerUser(40 + i, $"P{i}", $"player{i}")).ToArray();
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(1200);

    private async Task<BotOnPeer> Start(string token, PeerChat chat)
    {
        var bot = new BotOnPeer(peer, token);
        await bot.Users.SetChatMember(chat.Id, Owner, "creator");
        return await bot.Start();
    }

    [Fact]
    public async Task Ten_players_join_by_button_and_command_grab_and_the_result_and_ledger_are_right_across_a_restart()
    {
        var chat = new PeerChat(-1003000000001, "supergroup", "红包群");
        var bot = await Start("3001:lottery", chat);
        var users = bot.Users;
        await users.SendCommand(Owner, chat, "/lottery 10 1 有机栗仁一袋");
        var game = await users.WaitForBotMessage(chat, m => m.Text.Contains("🧧 红包手气最差 #1"));
        Assert.Equal("g:1:join", game.AllButtons.Single().CallbackData);

        for (var i = 0; i < 5; i++) await users.PressButton(Players[i], game, "g:1:join");
        for (var i = 5; i < 9; i++) await users.SendCommand(Players[i], chat, "/join");
        await users.DrainBotMessages(chat, Quiet);
        await bot.Stop(); // a restart between joins
        await Task.Delay(1500);
        await bot.Start();
        await users.SendCommand(Players[9], chat, "/join");
        var full = await users.WaitForBotMessage(chat, m => m.Text.Contains("满员"));
        Assert.Equal("g:1:grab", full.AllButtons.Single().CallbackData);

        for (var i = 0; i < 5; i++) await users.PressButton(Players[i], full, "g:1:grab");
        await users.PressButton(Players[0], full, "g:1:grab"); // a double press
        await users.DrainBotMessages(chat, Quiet);
        await bot.Stop(); // a restart between grabs and settlement
        await Task.Delay(1500);
        await bot.Start();
        for (var i = 5; i < 10; i++) await users.SendCommand(Players[i], chat, "/grab");
        var result = await users.WaitForBotMessage(chat, m => m.Text.Contains("🏆 红包 #1 结果"));
        await users.WaitForBotMessage(chat, m => m.Text.Contains("💝"));

        var store = bot.Get<GameStore>();
        var settled = store.Find(chat.Id, 1)!;
        Assert.Equal(GameState.Settled, settled.State);
        var ledger = store.LedgerOf(1);
        Assert.Equal(10, ledger.Count(l => l.Kind == LedgerKind.Pledge));
        Assert.Equal(100, ledger.Where(l => l.Kind == LedgerKind.Share).Sum(l => l.AmountFen));
        Assert.Single(ledger, l => l.Kind == LedgerKind.Prize);
        foreach (var p in settled.Players) Assert.Contains($"{p.Name} {Money.Format(p.ShareFen!.Value)}", result.Text);
        Assert.Contains(settled.Lottery!.SeedHex, result.Text);
        // The game message was edited in place to its final state.
        var final = await users.WaitForHistoryMessage(chat, m => m.MessageId == game.MessageId && m.Text.Contains("已结束"));
        Assert.Contains("得主", final.Text);
        await bot.DisposeAsync();
    }

    [Fact]
    public async Task Price_guess_by_command_and_by_reply_with_a_hint_and_a_restart_in_the_middle()
    {
        var chat = new PeerChat(-1003000000002, "supergroup", "猜价群");
        var bot = await Start("3002:guess", chat);
        var users = bot.Users;
        await users.SendCommand(Owner, chat, "/guess 59.9 新品栗子 gift=栗子一袋");
        var game = await users.WaitForBotMessage(chat, m => m.Text.Contains("新品猜价格 #1"));
        Assert.DoesNotContain("59.9", game.Text);
        await users.SendCommand(Players[0], chat, "/g 50");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("不对哦"));
        await users.SendCommand(Owner, chat, "/hint 比 50 贵一点");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("提示 1：比 50 贵一点"));
        await bot.Stop();
        await Task.Delay(1500);
        await bot.Start();
        await users.SendText(Players[1], chat, "59.90", replyToMessageId: game.MessageId);
        await users.WaitForBotMessage(chat, m => m.Text.Contains("@player1 第一个猜中！获得：栗子一袋"));
        await users.SendCommand(Players[2], chat, "/g ￥59.9");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("@player2 也猜中了"));
        var before = (await users.DrainBotMessages(chat, Quiet)).Select(m => m.Text);
        Assert.All(before, t => Assert.DoesNotContain("59.9", t));
        await users.SendCommand(Owner, chat, "/end");
        var result = await users.WaitForBotMessage(chat, m => m.Text.Contains("揭晓"));
        Assert.Contains("¥59.90", result.Text);
        // The admin's command and the right guesses were deleted from the chat.
        var history = await users.History(chat);
        Assert.DoesNotContain(history, m => m.Text.Contains("/guess 59.9"));
        await bot.DisposeAsync();
    }

    [Fact]
    public async Task A_failed_and_a_successful_group_buy_with_a_restart_in_the_middle()
    {
        var chat = new PeerChat(-1003000000003, "supergroup", "团购群");
        var bot = await Start("3003:groupbuy", chat);
        var users = bot.Users;

        await users.SendCommand(Owner, chat, "/groupbuy 69 3:55,5:61,10:59 栗子");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("阶梯「5:61」的价格必须比前一档低"));

        await users.SendCommand(Owner, chat, "/groupbuy 69 3:65,5:61 栗子");
        var buy = await users.WaitForBotMessage(chat, m => m.Text.Contains("攒单团购 #1"));
        await users.PressButton(Players[0], buy, "g:1:join");
        await users.SendCommand(Players[1], chat, "/join");
        await users.SendCommand(Owner, chat, "/end 1");
        var failed = await users.WaitForBotMessage(chat, m => m.Text.Contains("未成团"));
        Assert.Contains("@player0 ¥1.10", failed.Text);
        Assert.Contains("@player1 ¥1.10", failed.Text);

        await users.SendCommand(Owner, chat, "/groupbuy 69 3:65,5:61 核桃");
        var second = await users.WaitForBotMessage(chat, m => m.Text.Contains("攒单团购 #2"));
        for (var i = 0; i < 3; i++) await users.PressButton(Players[i], second, "g:2:join");
        await users.DrainBotMessages(chat, Quiet);
        await bot.Stop();
        await Task.Delay(1500);
        await bot.Start();
        await users.SendCommand(Players[3], chat, "/join");
        await users.SendCommand(Players[4], chat, "/join");
        await users.SendCommand(Players[4], chat, "/leave");
        await users.SendCommand(Players[5], chat, "/join");
        await users.WaitForHistoryMessage(chat, m => m.MessageId == second.MessageId && m.Text.Contains("已参团 5 人 · 当前价 ¥61.00"), TimeSpan.FromSeconds(15));
        await users.SendCommand(Owner, chat, "/end");
        var done = await users.WaitForBotMessage(chat, m => m.Text.Contains("成团！5 人，每人 ¥61.00"));
        Assert.DoesNotContain("@player4", done.Text);
        await bot.DisposeAsync();
    }
}
