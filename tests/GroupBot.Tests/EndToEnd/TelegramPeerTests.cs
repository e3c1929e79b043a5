using System.Text.Json.Nodes;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace GroupBot.Tests.EndToEnd;

/// <summary>Proves the peer fixture and PeerClient with a plain Telegram.Bot client (no GroupBot code).</summary>
[Trait("Category", "EndToEnd")]
public sealed class TelegramPeerTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    static readonly PeerUser Alice = new(11, "Alice", "alice");
    static readonly PeerUser Bob = new(12, "Bob", null);

    // Each test uses its own bot token and chat, so the tests don't see each other's updates on the shared peer.
    TelegramBotClient Bot(string token) => new(new TelegramBotClientOptions(token, baseUrl: peer.BaseUrl));

    static async Task<Update[]> NextUpdates(TelegramBotClient bot, int? offset, int expected = 1)
    {
        var got = new List<Update>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (got.Count < expected && DateTime.UtcNow < deadline)
        {
            got.AddRange(await bot.GetUpdates(offset, timeout: 2));
            if (got.Count > 0) offset = got[^1].Id + 1;
        }
        Assert.True(got.Count >= expected, $"expected {expected} update(s), got {got.Count}");
        return [.. got];
    }

    [Fact]
    public async Task Ping_pong_with_a_button_round_trip()
    {
        const string token = TelegramPeer.Token;
        var chat = new PeerChat(-1001000000001, "supergroup", "Peer Test");
        var bot = Bot(token);
        using var users = peer.CreateClient(token);

        var me = await bot.GetMe();
        Assert.True(me.IsBot);
        Assert.Equal("TestNameBot", me.Username);

        var pingId = await users.SendCommand(Alice, chat, "/ping");

        var update = Assert.Single(await NextUpdates(bot, offset: null));
        var ping = Assert.IsType<Message>(update.Message);
        Assert.Equal(pingId, ping.Id);
        Assert.Equal("/ping", ping.Text);
        Assert.Equal(MessageEntityType.BotCommand, Assert.Single(ping.Entities!).Type);
        Assert.Equal(chat.Id, ping.Chat.Id);
        Assert.Equal(ChatType.Supergroup, ping.Chat.Type);
        Assert.Equal("Peer Test", ping.Chat.Title);
        Assert.Equal(Alice.Id, ping.From!.Id);
        Assert.Equal("alice", ping.From.Username);
        Assert.InRange(ping.Date, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));

        var sent = await bot.SendMessage(chat.Id, "pong", replyParameters: ping.Id,
            replyMarkup: new InlineKeyboardMarkup(InlineKeyboardButton.WithCallbackData("Again", "again")));
        Assert.Equal(ChatType.Supergroup, sent.Chat.Type);
        Assert.Equal(me.Id, sent.From!.Id);

        var pong = await users.WaitForBotMessage(chat, m => m.Text == "pong");
        Assert.Equal(sent.Id, pong.MessageId);
        Assert.Equal(chat.Id, pong.ChatId);
        Assert.Equal(ping.Id, pong.ReplyToMessageId);
        var button = Assert.Single(Assert.Single(pong.Buttons));
        Assert.Equal(new BotButton("Again", "again"), button);

        var queryId = await users.PressButton(Bob, pong, "again");

        var cbUpdate = Assert.Single(await NextUpdates(bot, update.Id + 1));
        var query = Assert.IsType<CallbackQuery>(cbUpdate.CallbackQuery);
        Assert.Equal(queryId, query.Id);
        Assert.Equal("again", query.Data);
        Assert.Equal(Bob.Id, query.From.Id);
        Assert.Equal(pong.MessageId, query.Message!.Id);
        Assert.Equal(chat.Id, query.Message.Chat.Id);
        await bot.AnswerCallbackQuery(query.Id, "ok!");

        var answer = Assert.Single(await users.GetCallbackAnswers(), a => a.CallbackQueryId == queryId);
        Assert.Equal("ok!", answer.Text);
        Assert.False(answer.ShowAlert);

        // an edit shows in the history, not in WaitForBotMessage (the message was already read)
        await bot.EditMessageText(chat.Id, pong.MessageId, "pong (edited)");
        var edited = await users.WaitForHistoryMessage(chat, m => m.MessageId == pong.MessageId && m.Text == "pong (edited)");
        Assert.Contains(await users.History(), m => m.MessageId == edited.MessageId);
        Assert.Empty(await users.DrainBotMessages(chat, TimeSpan.FromMilliseconds(200)));

        // a user replying to the bot's message: reply_to_message carries the bot as sender
        var replyId = await users.SendText(Alice, chat, "thanks", replyToMessageId: pong.MessageId);
        var reply = Assert.Single(await NextUpdates(bot, cbUpdate.Id + 1)).Message!;
        Assert.Equal(replyId, reply.Id);
        Assert.Equal(pong.MessageId, reply.ReplyToMessage!.Id);
        Assert.Equal(me.Id, reply.ReplyToMessage.From!.Id);

        // chat members for getChatAdministrators / getChatMember
        await users.SetChatMember(chat.Id, Alice, "creator");
        await users.SetChatMember(chat.Id, Bob, "administrator");
        var admins = await bot.GetChatAdministrators(chat.Id);
        Assert.Equal([Alice.Id, Bob.Id], admins.Select(a => a.User.Id).Order().ToArray());
        Assert.Contains(admins, a => a is ChatMemberOwner);
        Assert.Contains(admins, a => a is ChatMemberAdministrator { CanDeleteMessages: true });
        Assert.IsType<ChatMemberMember>(await bot.GetChatMember(chat.Id, 99));
    }

    [Fact]
    public async Task Raw_update_with_the_same_id_arrives_twice_and_getUpdates_offsets_are_recorded()
    {
        const string token = "777000:RAWUPDATES";
        var chat = new PeerChat(-1001000000002, "supergroup", "Raw Test");
        var bot = Bot(token);
        using var users = peer.CreateClient(token);

        const long fixedId = 5_000_000;
        var raw = new JsonObject
        {
            ["update_id"] = fixedId,
            ["message"] = new JsonObject
            {
                ["message_id"] = 424242,
                ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["chat"] = PeerClient.ChatJson(chat),
                ["from"] = PeerClient.UserJson(Alice),
                ["text"] = "same update twice",
            },
        };
        Assert.Equal(fixedId, await users.SendRawUpdate(raw));
        Assert.Equal(fixedId, await users.SendRawUpdate(raw));

        var twice = await NextUpdates(bot, offset: 17, expected: 2);
        Assert.Equal(2, twice.Length);
        Assert.All(twice, u =>
        {
            Assert.Equal((int)fixedId, u.Id);
            Assert.Equal("same update twice", u.Message!.Text);
        });

        // the peer's own counter moved past the supplied id
        await users.SendText(Alice, chat, "after");
        var after = Assert.Single(await NextUpdates(bot, offset: (int)fixedId + 1));
        Assert.True(after.Id > fixedId, $"update id {after.Id} should be above {fixedId}");
        var autoId = await users.SendRawUpdate(new JsonObject { ["message"] = raw["message"]!.DeepClone() });
        Assert.True(autoId > after.Id);

        var calls = await users.GetUpdatesCalls();
        Assert.Equal(17, calls[0].Offset);
        Assert.Equal(2, calls[0].Timeout);
        Assert.Contains(calls, c => c.Offset == fixedId + 1);
        Assert.All(calls, c => Assert.InRange(c.Time, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1)));
    }

    [Fact]
    public async Task Waits_take_each_message_once_and_time_out_with_what_they_saw()
    {
        const string token = "888000:WAITS";
        var chat = new PeerChat(-1001000000003, "supergroup", "Wait Test");
        var bot = Bot(token);
        using var users = peer.CreateClient(token);

        await bot.SendMessage(chat.Id, "one");
        await bot.SendMessage(chat.Id, "two");
        await bot.SendMessage(chat.Id, "one");

        Assert.Equal("two", (await users.WaitForBotMessage(chat, "two")).Text);
        var first = await users.WaitForBotMessage(chat, "one");
        var second = await users.WaitForBotMessage(chat, "one");
        Assert.True(second.MessageId > first.MessageId);
        Assert.Empty(await users.DrainBotMessages(chat, TimeSpan.FromMilliseconds(150)));
        Assert.Equal(3, users.Seen(chat).Count);

        var e = await Assert.ThrowsAsync<TimeoutException>(() => users.WaitForBotMessage(chat, "three", TimeSpan.FromMilliseconds(300)));
        Assert.Contains("\"two\"", e.Message);

        var joinId = await users.SendNewMembers(Bob, chat, Bob);
        var join = Assert.Single(await NextUpdates(bot, offset: null)).Message!;
        Assert.Equal(joinId, join.Id);
        Assert.Equal(MessageType.NewChatMembers, join.Type);
        Assert.Equal(Bob.Id, Assert.Single(join.NewChatMembers!).Id);
    }

    [Fact]
    public async Task Reset_forgets_messages_answers_members_and_recorded_calls()
    {
        const string token = "999000:RESET";
        var chat = new PeerChat(-1001000000004, "supergroup", "Reset Test");
        var bot = Bot(token);
        using var users = peer.CreateClient(token);

        await users.SendText(Alice, chat, "hello");
        await bot.GetUpdates(timeout: 0);
        await bot.SendMessage(chat.Id, "hi");
        await bot.AnswerCallbackQuery("1", "x");
        await users.SetChatMember(chat.Id, Alice, "administrator");
        await users.SendText(Alice, chat, "unread");

        await peer.Reset();

        Assert.Empty(await users.History());
        Assert.Empty(await users.GetUpdatesCalls());
        Assert.Empty(await users.GetCallbackAnswers());
        Assert.Empty(await bot.GetChatAdministrators(chat.Id));
        Assert.Empty(await bot.GetUpdates(timeout: 0));
        Assert.Empty(await users.DrainBotMessages(chat, TimeSpan.FromMilliseconds(100)));
    }
}
