using GroupBot.Games;
using GroupBot.Games.Jigsaw;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.EndToEnd;

/// <summary>Issue 13 end to end: the jigsaw's album over sendMediaGroup, claims by deep link in private chats, a restart.</summary>
[Trait("Category", "EndToEnd")]
public sealed class JigsawEndToEndTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    private static readonly PeerUser Owner = new(61, "Olga", "olga");
    private static readonly PeerUser Amy = new(62, "Amy", "amy");
    private static readonly PeerUser Ben = new(63, "Ben", "ben");
    private static readonly PeerUser Eve = new(64, "Eve", "eve");

    [Fact]
    public async Task The_album_arrives_two_members_claim_one_wins_once_and_forged_replayed_and_outsider_claims_are_refused_across_a_restart()
    {
        var chat = new PeerChat(-1003000000013, "supergroup", "拼图群");
        var bot = new BotOnPeer(peer, "3013:jigsaw");
        var users = bot.Users;
        await users.SetChatMember(chat.Id, Owner, "creator");
        await users.SetChatMember(chat.Id, Amy, "member");
        await users.SetChatMember(chat.Id, Ben, "member");
        await users.SetChatMember(chat.Id, Eve, "left");
        await bot.Start();

        await users.SendCommand(Owner, chat, "/jigsaw 栗子一袋");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("🧩 九宫格拼图 #1"));
        var album = (await users.History(chat)).Where(m => m.Message["media_group_id"] is not null).OrderBy(m => m.MessageId).ToList();
        Assert.Equal(9, album.Count);
        Assert.Single(album.Select(m => m.Message["media_group_id"]!.ToString()).Distinct());
        Assert.Contains("把这 9 张图拼回一个二维码", album[0].Text);
        var tiles = album.Select(m => Convert.FromBase64String(m.Message["photo_data"]!.GetValue<string>())).ToList();
        Assert.Null(QrDecode.ReadAsPosted(tiles));
        // The players' way in: the tiles put together (the order is revealed at the end; the test reads the seed).
        var seed = Convert.FromHexString(bot.Get<GameStore>().Find(chat.Id, 1)!.Jigsaw!.SeedHex);
        var link = QrDecode.ReadInOrder(tiles, JigsawImage.Order(seed));
        Assert.NotNull(link);
        Assert.StartsWith("https://t.me/TestNameBot?start=jg_", link);
        var payload = link[(link.IndexOf("start=", StringComparison.Ordinal) + 6)..];

        await users.SendCommand(Amy, PeerChat.Private(Amy), "/start " + payload[..^2] + (payload.EndsWith("AA") ? "BB" : "AA"));
        await users.WaitForBotMessage(PeerChat.Private(Amy), m => m.Text.Contains("无效或已过期"));
        await users.SendCommand(Eve, PeerChat.Private(Eve), "/start " + payload);
        await users.WaitForBotMessage(PeerChat.Private(Eve), m => m.Text.Contains("只限「拼图群」的成员参加"));

        await bot.Stop(); // a restart between the post and the claims
        await Task.Delay(1500);
        await bot.Start();

        await users.SendCommand(Amy, PeerChat.Private(Amy), "/start " + payload);
        await users.SendCommand(Ben, PeerChat.Private(Ben), "/start " + payload);
        // Generous waits: the machine the suite runs on may be busy (a restart has just happened).
        var wait = TimeSpan.FromSeconds(30);
        var announce = await users.WaitForBotMessage(chat, m => m.Text.Contains("第一个拼好！"), wait);
        var amyWon = announce.Text.Contains("@amy");
        var (winner, other) = amyWon ? (Amy, Ben) : (Ben, Amy);
        await users.WaitForBotMessage(PeerChat.Private(winner), m => m.Text.Contains("恭喜，你第一个拼好了九宫格拼图 #1"), wait);
        await users.WaitForBotMessage(PeerChat.Private(other), m => m.Text.Contains($"已经被 @{winner.Username} 抢先拼好了"), wait);

        await users.SendCommand(winner, PeerChat.Private(winner), "/start " + payload); // replayed
        await users.WaitForBotMessage(PeerChat.Private(winner), m => m.Text.Contains("你已经领过"), wait);
        await users.DrainBotMessages(chat, TimeSpan.FromMilliseconds(1500));
        var history = await users.History(chat);
        Assert.Single(history, m => m.Text.Contains("第一个拼好！"));
        Assert.Contains(history, m => m.Text.Contains($"已结束 · 得主：@{winner.Username}"));
        var game = bot.Get<GameStore>().Find(chat.Id, 1)!;
        Assert.Equal(winner.Id, game.Jigsaw!.WinnerUserId);
        await bot.DisposeAsync();
    }
}
