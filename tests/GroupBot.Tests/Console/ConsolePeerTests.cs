using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Posting;
using GroupBot.Tests.EndToEnd;
using GroupBot.Web;

namespace GroupBot.Tests.OpsConsole;

/// <summary>
/// The console of a bot talking Telegram to the Bot API peer: a scheduled post goes out to three groups (one gets it,
/// one is paused from the console, one has removed the bot and answers 403), and the delivery report shows each.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ConsolePeerTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    private static readonly PeerUser Operator = new(7101, "Ops", "ops");

    [Fact]
    public async Task After_a_post_to_the_peer_the_console_reports_sent_skipped_and_failed_per_group()
    {
        var ok = new PeerChat(-1007100000001, "supergroup", "华东一群");
        var paused = new PeerChat(-1007100000002, "supergroup", "暂停的群");
        var gone = new PeerChat(-1007100000003, "supergroup", "已移除机器人");
        await using var bot = new BotOnPeer(peer, "7101:console", null,
            ("Bot:Operators:0", Operator.Id.ToString()), ("Posting:QuietHours", ""), ("Posting:MinGapMinutes", "0"));
        await bot.Start();
        foreach (var g in new[] { ok, paused, gone }) bot.Get<Groups>().Ensure(new ChatInfo(g.Id, ChatKind.Supergroup, g.Title));
        await bot.Users.SetChatMember(paused.Id, Operator, "administrator");

        // Sign in as an operator does: /console in private chat, then the link's button.
        await bot.Users.SendCommand(Operator, PeerChat.Private(Operator), "/console");
        var reply = await bot.Users.WaitForBotMessage(PeerChat.Private(Operator), m => ConsoleHost.LinkIn(m.Text) is not null);
        var link = ConsoleHost.LinkIn(reply.Text)!;
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            { BaseAddress = bot.Get<WebServer>().Address };
        Assert.Equal(HttpStatusCode.SeeOther, (await ConsoleHost.Redeem(client, link)).StatusCode);
        var csrf = (await client.GetFromJsonAsync<JsonElement>("/api/session")).GetProperty("csrf").GetString();

        // Pause one group from the console: it goes through the chat's /pause, which answers in the group.
        var pause = await ConsoleHost.PostJson(client, "/api/groups/pause", new { chat = paused.Id, pause = true }, csrf);
        Assert.Equal(HttpStatusCode.Accepted, pause.StatusCode);
        await bot.Users.WaitForBotMessage(paused, _ => true);
        Assert.True(bot.Get<Groups>().Find(paused.Id)!.PostsPaused);

        // The third group removed the bot: Telegram answers every send there with 403.
        foreach (var method in new[] { "sendMessage", "sendPhoto" })
            await Shim("/shim/failNext", new JsonObject
            {
                ["method"] = method, ["code"] = 403, ["count"] = 100, ["chat_id"] = gone.Id,
                ["description"] = "Forbidden: bot was kicked from the supergroup chat",
            });

        var fire = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(2), TimeSpan.Zero); // 10:00 in Shanghai today
        Assert.Equal(2, await bot.Get<PostScheduler>().Fire(bot.Get<Schedules>().Find("daily")!, fire, DateTimeOffset.UtcNow));
        var post = await bot.Users.WaitForBotMessage(ok, _ => true);
        Assert.Contains("<code>", post.Text);

        // The report settles once the 403 is recorded (the outbox sends on its own thread).
        Dictionary<long, JsonElement> groups = [];
        for (var i = 0; i < 200; i++)
        {
            var reports = await client.GetFromJsonAsync<JsonElement>("/api/broadcasts");
            var daily = reports.EnumerateArray().FirstOrDefault(r => r.GetProperty("schedule").GetString() == "daily");
            if (daily.ValueKind == JsonValueKind.Object)
            {
                groups = daily.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("chat").GetInt64());
                if (groups.Count == 3 && groups.Values.All(g => g.GetProperty("status").GetString() is "sent" or "skipped" or "failed")) break;
            }
            await Task.Delay(50);
        }
        Assert.Equal(3, groups.Count);
        Assert.Equal("sent", groups[ok.Id].GetProperty("status").GetString());
        Assert.Equal("华东一群", groups[ok.Id].GetProperty("group").GetString());
        Assert.Equal("skipped", groups[paused.Id].GetProperty("status").GetString());
        Assert.Equal("paused", groups[paused.Id].GetProperty("why").GetString());
        Assert.Equal("failed", groups[gone.Id].GetProperty("status").GetString());
        Assert.Contains("kicked", groups[gone.Id].GetProperty("why").GetString());
        // Nothing reached the group that removed the bot, and the paused one got only its /pause answer.
        Assert.DoesNotContain(await bot.Users.History(), m => m.ChatId == gone.Id);
        Assert.DoesNotContain(await bot.Users.History(paused), m => m.Text.Contains("<code>"));
    }

    private async Task Shim(string path, JsonObject body)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(peer.BaseUrl + path, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }
}
