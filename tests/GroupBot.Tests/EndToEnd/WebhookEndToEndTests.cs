using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using GroupBot.Chat.Telegram;

namespace GroupBot.Tests.EndToEnd;

/// <summary>Issue 16: webhook mode end to end. The peer pushes updates to the bot's Kestrel server as Telegram does.</summary>
[Trait("Category", "EndToEnd")]
public sealed class WebhookEndToEndTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    private static readonly PeerUser Owner = new(61, "Olivia", "olivia");
    private static readonly PeerUser Member = new(62, "Mike", "mike");
    private const string Secret = "hook_Secret-42";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<(BotOnPeer Bot, string HookUrl)> Start(string token, PeerChat chat)
    {
        var port = FreePort();
        var hookUrl = $"http://127.0.0.1:{port}/telegram/hook-{token.Replace(':', '-')}";
        var bot = new BotOnPeer(peer, token, null,
            ("Web:Url", $"http://127.0.0.1:{port}"),
            ("Telegram:Webhook:Url", hookUrl),
            ("Telegram:Webhook:SecretToken", Secret),
            ("Telegram:Webhook:MaxConnections", "5"));
        await bot.Users.SetChatMember(chat.Id, Owner, "creator");
        await bot.Users.SetChatMember(chat.Id, Member, "member");
        await bot.Start();
        await WaitFor(async () => (await Webhooks(token))["calls"]!.AsArray().Count > 0);
        return (bot, hookUrl);
    }

    private async Task<JsonObject> Webhooks(string token)
    {
        using var http = new HttpClient();
        var response = await http.PostAsJsonAsync(peer.BaseUrl + "/shim/webhooks", new { token });
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync())!["result"] as JsonObject)!;
    }

    private static async Task WaitFor(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("condition not met in 15 s");
            await Task.Delay(50);
        }
    }

    private static JsonObject FaqUpdate(long updateId, PeerChat chat) => new()
    {
        ["update_id"] = updateId,
        ["message"] = new JsonObject
        {
            ["message_id"] = 5, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["text"] = "/faq 积分",
            ["from"] = PeerClient.UserJson(Owner), ["chat"] = PeerClient.ChatJson(chat),
            ["entities"] = new JsonArray(new JsonObject { ["offset"] = 0, ["length"] = 4, ["type"] = "bot_command" }),
        },
    };

    [Fact]
    public async Task Telegram_pushes_updates_with_the_secret_the_bot_answers_once_and_refuses_strangers()
    {
        var chat = new PeerChat(-1006100000001, "supergroup", "分销一群");
        var (bot, hookUrl) = await Start("6101:hook", chat);
        await using var _ = bot;

        // setWebhook told Telegram the URL, the secret, the connections and the update types the bot needs.
        var set = (await Webhooks(bot.Token))["calls"]!.AsArray().Single(c => (string?)c!["method"] == "setWebhook")!;
        Assert.Equal(hookUrl, (string?)set["url"]);
        Assert.Equal(Secret, (string?)set["secret_token"]);
        Assert.Equal(5, (int)set["max_connections"]!);
        var allowed = set["allowed_updates"]!.AsArray().Select(a => (string?)a).ToList();
        Assert.Contains("message", allowed);
        Assert.Contains("callback_query", allowed);
        Assert.Contains("chat_member", allowed);

        await bot.Users.SendCommand(Member, chat, "/faq 物流");
        Assert.Contains("什么时候发货", (await bot.Users.WaitForBotMessage(chat, m => m.Text.Contains("💡"))).Text);

        // The same update pushed twice (Telegram did not see the first 200): handled once.
        await bot.Users.SendRawUpdate(FaqUpdate(9_100_000, chat));
        await bot.Users.SendRawUpdate(FaqUpdate(9_100_000, chat));
        await WaitFor(async () => (await Webhooks(bot.Token))["deliveries"]!.AsArray().Count(d => (long)d!["update_id"]! == 9_100_000 && (int?)d["status"] == 200) == 2);
        var replies = await bot.Users.DrainBotMessages(chat, TimeSpan.FromMilliseconds(1500));
        Assert.Single(replies, m => m.Text.Contains("💡"));

        // Long polling is off: the bot never called getUpdates (the peer answers 409 while a webhook is set).
        Assert.Empty(await bot.Users.GetUpdatesCalls());

        // Anyone else posting to the webhook gets 401 and changes nothing; a garbled body from Telegram gets 400.
        using var http = new HttpClient();
        var forged = FaqUpdate(9_100_001, chat).ToJsonString();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync(hookUrl, new StringContent(forged, Encoding.UTF8, "application/json"))).StatusCode);
        var wrong = new HttpRequestMessage(HttpMethod.Post, hookUrl) { Content = new StringContent(forged, Encoding.UTF8, "application/json") };
        wrong.Headers.Add(TelegramWebhook.SecretHeader, Secret + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        var garbled = new HttpRequestMessage(HttpMethod.Post, hookUrl) { Content = new StringContent("{not json", Encoding.UTF8, "application/json") };
        garbled.Headers.Add(TelegramWebhook.SecretHeader, Secret);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(garbled)).StatusCode);
        Assert.Empty(await bot.Users.DrainBotMessages(chat, TimeSpan.FromMilliseconds(1000)));
        Assert.DoesNotContain(Secret, bot.Logs());
    }

    [Fact]
    public async Task An_update_pushed_while_the_bot_is_down_is_delivered_again_and_handled_once_after_the_restart()
    {
        var chat = new PeerChat(-1006100000002, "supergroup", "分销二群");
        var (bot, _) = await Start("6102:hook", chat);
        await using var _bot = bot;
        await bot.Users.SendCommand(Member, chat, "/faq 物流");
        await bot.Users.WaitForBotMessage(chat, m => m.Text.Contains("💡"));

        await bot.Stop();
        await bot.Users.SendCommand(Member, chat, "/faq 物流");
        // Telegram's pushes fail while the bot is down (no answer, or 503 while it stops) and are tried again.
        await WaitFor(async () => (await Webhooks(bot.Token))["deliveries"]!.AsArray().Count(d => (int?)d!["status"] != 200) >= 2);
        Assert.Empty(await bot.Users.DrainBotMessages(chat, TimeSpan.FromMilliseconds(300)));

        await bot.Start();
        await bot.Users.WaitForBotMessage(chat, m => m.Text.Contains("💡"));
        Assert.DoesNotContain(await bot.Users.DrainBotMessages(chat, TimeSpan.FromMilliseconds(1500)), m => m.Text.Contains("💡"));

        // An update handled before the stop and delivered again after it (Telegram never saw the 200): dropped.
        await bot.Users.SendRawUpdate(FaqUpdate(9_200_000, chat));
        await bot.Users.WaitForBotMessage(chat, m => m.Text.Contains("💡"));
        await bot.Stop();
        await bot.Start();
        await bot.Users.SendRawUpdate(FaqUpdate(9_200_000, chat));
        await WaitFor(async () => (await Webhooks(bot.Token))["deliveries"]!.AsArray().Count(d => (long)d!["update_id"]! == 9_200_000 && (int?)d["status"] == 200) == 2);
        Assert.Empty(await bot.Users.DrainBotMessages(chat, TimeSpan.FromMilliseconds(1500)));
    }
}
