using GroupBot.Games;
using GroupBot.Tests.EndToEnd;

namespace GroupBot.Tests.Commerce;

/// <summary>签到 and 砍价 against the Bot API peer: real commands, buttons with their toasts, a restart in the middle.</summary>
[Trait("Category", "EndToEnd")]
public sealed class BargainEndToEndTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    private static readonly PeerUser Owner = new(71, "Olga", "olga");
    private static readonly PeerUser Starter = new(72, "Sam", "sam");
    private static readonly PeerUser[] Friends = Enumerable.Range(0, 6).Select(i => new PeerUser(80 + i, $"F{i}", $"friend{i}")).ToArray();

    [Fact]
    public async Task Friends_cut_a_bargain_by_button_once_each_down_to_the_floor_across_a_restart()
    {
        var chat = new PeerChat(-1003000001501, "supergroup", "砍价群");
        var bot = new BotOnPeer(peer, "15002:bargain");
        await bot.Users.SetChatMember(chat.Id, Owner, "creator");
        await bot.Start();
        var users = bot.Users;

        await users.SendCommand(Starter, chat, "/checkin");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("签到成功，+5 积分"));
        await users.SendCommand(Starter, chat, "/checkin");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("今天已经签到过了"));

        await users.SendCommand(Starter, chat, "/bargain chestnut");
        var game = await users.WaitForBotMessage(chat, m => m.Text.Contains("🔪 砍价 #1"));
        Assert.Equal("g:1:help", game.AllButtons.Single().CallbackData);
        await users.PressButton(Starter, game, "g:1:help");
        await users.PressButton(Friends[0], game, "g:1:help");
        await users.PressButton(Friends[0], game, "g:1:help");
        await users.DrainBotMessages(chat, TimeSpan.FromMilliseconds(1200));
        var answers = await users.GetCallbackAnswers();
        Assert.Contains(answers, a => a.Text?.Contains("不能给自己砍价") == true);
        Assert.Contains(answers, a => a.Text?.Contains("你砍掉了") == true);
        Assert.Contains(answers, a => a.Text?.Contains("已经帮砍过了") == true);

        await bot.Stop();
        await Task.Delay(1500);
        await bot.Start();
        var helpers = bot.Get<GameStore>().Find(chat.Id, 1)!.Bargain!.Helpers;
        for (var i = 1; i < helpers; i++) await users.PressButton(Friends[i], game, "g:1:help");
        var result = await users.WaitForBotMessage(chat, m => m.Text.Contains("🎉 砍价 #1 结束"));
        var settled = bot.Get<GameStore>().Find(chat.Id, 1)!;
        Assert.Equal(GameState.Settled, settled.State);
        Assert.Equal(settled.Bargain!.FloorFen, settled.Bargain.FinalFen);
        Assert.Contains(settled.Bargain.Coupon!, result.Text);
        Assert.Contains(settled.Bargain.SeedHex, result.Text);
        Assert.Equal(helpers, settled.Players.Count);
        await users.WaitForHistoryMessage(chat, m => m.MessageId == game.MessageId && m.Text.Contains("已结束"));
        await bot.DisposeAsync();
    }
}
