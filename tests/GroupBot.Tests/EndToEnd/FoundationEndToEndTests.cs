using System.Text.Json.Nodes;
using Telegram.Bot;

namespace GroupBot.Tests.EndToEnd;

/// <summary>Issue 2 end to end: the bot host against the Bot API peer, several users in one supergroup.</summary>
[Trait("Category", "EndToEnd")]
public sealed class FoundationEndToEndTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    private static readonly PeerUser Owner = new(21, "Olivia", "olivia");
    private static readonly PeerUser Member = new(22, "Mike", "mike");
    private static readonly PeerUser Other = new(23, "Nina", "nina");
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(1500);

    private static PeerChat Group(long id) => new(id, "supergroup", "分销一群");

    private async Task<BotOnPeer> Start(string token, PeerChat chat)
    {
        var bot = new BotOnPeer(peer, token);
        await bot.Users.SetChatMember(chat.Id, Owner, "creator");
        await bot.Users.SetChatMember(chat.Id, Member, "member");
        return await bot.Start();
    }

    [Fact]
    public async Task Faq_is_asked_and_edited_admin_only_is_refused_and_a_malformed_command_gets_the_form()
    {
        var chat = Group(-1002000000001);
        await using var bot = await Start("2001:faq", chat);
        var users = bot.Users;

        await users.SendCommand(Member, chat, "/faq 物流");
        Assert.Contains("什么时候发货", (await users.WaitForBotMessage(chat, m => m.Text.Contains("💡"))).Text);

        await users.SendCommand(Owner, chat, "/faq add 暗号 芝麻开门");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("已添加本群答案「暗号」"));
        await users.SendCommand(Other, chat, "/faq 暗号");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("芝麻开门"));

        await users.SendCommand(Member, chat, "/faq del 暗号");
        var refusal = await users.WaitForBotMessage(chat, m => m.Text.Contains("只有群管理员可以使用"));
        Assert.NotNull(refusal.ReplyToMessageId);
        await users.SendCommand(Owner, chat, "/faq add");
        await users.WaitForBotMessage(chat, "⚠️ 缺少关键词。用法：/faq add <关键词> <答案…>");

        await users.SendCommand(Member, chat, "/faq 暗号");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("芝麻开门")); // the member's delete changed nothing
        Assert.DoesNotContain(bot.Token, bot.Logs());
        Assert.DoesNotContain("TOKEN".ToLowerInvariant() + "faq", bot.Logs());
    }

    [Fact]
    public async Task Commands_for_another_bot_are_ignored_and_help_lists_what_the_caller_may_use()
    {
        var chat = Group(-1002000000002);
        await using var bot = await Start("2002:help", chat);
        await bot.Users.SendCommand(Member, chat, "/faq@SomeOtherBot 物流");
        await bot.Users.SendCommand(Member, chat, "/help@TestNameBot");
        var messages = await bot.Users.DrainBotMessages(chat, Quiet);
        var help = Assert.Single(messages);
        Assert.Contains("/faq", help.Text);
        Assert.DoesNotContain("/faq add", help.Text);
        Assert.DoesNotContain("/lottery", help.Text);

        // The command menu was registered with setMyCommands.
        var client = new TelegramBotClient(new TelegramBotClientOptions(bot.Token, baseUrl: peer.BaseUrl));
        Assert.Contains(await client.GetMyCommands(), c => c.Command == "faq");
    }

    [Fact]
    public async Task A_repeated_update_is_processed_once_and_every_button_press_is_answered()
    {
        var chat = Group(-1002000000003);
        await using var bot = await Start("2003:repeat", chat);
        var update = new JsonObject
        {
            ["update_id"] = 7_000_000,
            ["message"] = new JsonObject
            {
                ["message_id"] = 1, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["text"] = "/faq 物流",
                ["from"] = PeerClient.UserJson(Member), ["chat"] = PeerClient.ChatJson(chat),
                ["entities"] = new JsonArray(new JsonObject { ["offset"] = 0, ["length"] = 4, ["type"] = "bot_command" }),
            },
        };
        await bot.Users.SendRawUpdate(update);
        await bot.Users.WaitForBotMessage(chat, m => m.Text.Contains("💡"));
        await bot.Users.SendRawUpdate((JsonObject)update.DeepClone());
        Assert.Empty(await bot.Users.DrainBotMessages(chat, Quiet));

        // A press on a button the bot does not know still gets an answer (Telegram would spin otherwise).
        await bot.Users.SendCommand(Owner, chat, "/lottery 3 1 奖品");
        var game = await bot.Users.WaitForBotMessage(chat, m => m.Text.Contains("🧧"));
        var callbackId = await bot.Users.PressButton(Member, game, game.AllButtons.First().CallbackData!);
        for (var i = 0; i < 100 && !(await bot.Users.GetCallbackAnswers()).Any(a => a.CallbackQueryId == callbackId); i++) await Task.Delay(50);
        Assert.Contains(await bot.Users.GetCallbackAnswers(), a => a.CallbackQueryId == callbackId && a.Text!.Contains("已加入"));
    }

    [Fact]
    public async Task A_restart_resumes_from_the_stored_offset_and_repeats_nothing()
    {
        var chat = Group(-1002000000004);
        var bot = await Start("2004:restart", chat);
        await bot.Users.SendCommand(Member, chat, "/faq 佣金");
        await bot.Users.WaitForBotMessage(chat, m => m.Text.Contains("佣金"));
        await bot.Stop();
        // The peer marks updates read when it hands them out and ignores offset (Telegram keeps them until the
        // offset confirms them): let the stopped bot's last long poll expire so the peer does not hand it the next one.
        await Task.Delay(2000);
        var before = (await bot.Users.GetUpdatesCalls()).Count;

        await bot.Users.SendCommand(Member, chat, "/faq 提现"); // arrives while the bot is down
        await bot.Start();
        await bot.Users.WaitForBotMessage(chat, m => m.Text.Contains("提现"));
        Assert.Empty(await bot.Users.DrainBotMessages(chat, Quiet));

        var calls = await bot.Users.GetUpdatesCalls();
        var firstAfterRestart = calls[before];
        Assert.True(firstAfterRestart.Offset > 1, $"the restarted bot asked from offset {firstAfterRestart.Offset}");
        Assert.Equal(calls[before - 1].Offset, firstAfterRestart.Offset);
        await bot.DisposeAsync();
    }

    [Fact]
    public async Task Network_and_server_errors_are_survived_with_backoff()
    {
        var chat = Group(-1002000000005);
        await using var bot = await Start("2005:flaky", chat);
        await bot.Users.SendCommand(Member, chat, "/faq 物流");
        await bot.Users.WaitForBotMessage(chat, m => m.Text.Contains("💡"));
        await FailNext(bot.Token, "getUpdates", 502, count: 2);
        await FailNext(bot.Token, "sendMessage", 429, retryAfter: 1);
        await FailNext(bot.Token, "sendMessage", 500);
        await bot.Users.SendCommand(Member, chat, "/faq 退货");
        var answer = await bot.Users.WaitForBotMessage(chat, m => m.Text.Contains("💡"), TimeSpan.FromSeconds(20));
        Assert.Contains("退", answer.Text);
        Assert.Empty(await bot.Users.DrainBotMessages(chat, Quiet)); // sent once
    }

    [Fact]
    public async Task Group_to_supergroup_migration_takes_the_groups_data_along()
    {
        var old = new PeerChat(-4001, "group", "老群");
        var moved = Group(-1004001000001);
        await using var bot = await Start("2006:migrate", old);
        await bot.Users.SetChatMember(moved.Id, Owner, "creator");
        await bot.Users.SendCommand(Owner, old, "/faq add 暗号 芝麻开门");
        await bot.Users.WaitForBotMessage(old, m => m.Text.Contains("暗号"));
        await bot.Users.SendRawUpdate(new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["message_id"] = 99, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["from"] = PeerClient.UserJson(Owner),
                ["chat"] = PeerClient.ChatJson(old), ["migrate_to_chat_id"] = moved.Id,
            },
        });
        await Task.Delay(500);
        await bot.Users.SendCommand(Member, moved, "/faq 暗号");
        await bot.Users.WaitForBotMessage(moved, m => m.Text.Contains("芝麻开门"));
    }

    private async Task FailNext(string token, string method, int code, int count = 1, int? retryAfter = null)
    {
        using var http = new HttpClient();
        var body = new JsonObject { ["method"] = method, ["code"] = code, ["count"] = count };
        if (retryAfter is { } r) body["retry_after"] = r;
        var response = await http.PostAsync(peer.BaseUrl + "/shim/failNext", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }
}
