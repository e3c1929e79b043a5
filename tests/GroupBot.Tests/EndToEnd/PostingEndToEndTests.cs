using System.Text.Json.Nodes;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Posting;

namespace GroupBot.Tests.EndToEnd;

/// <summary>Issue 3 end to end: a scheduled broadcast through the outbox to the peer, with 429s, 5xx and a restart.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PostingEndToEndTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    [Fact]
    public async Task A_broadcast_survives_429s_server_errors_and_a_restart_and_reaches_every_group_exactly_once()
    {
        var groups = Enumerable.Range(1, 24).Select(i => new PeerChat(-1006000000000 - i, "supergroup", $"分销{i}群")).ToList();
        // The outbox keeps to a low overall rate here, so the broadcast takes seconds and a restart lands in its middle.
        await using var bot = new BotOnPeer(peer, "6001:broadcast", null,
            ("Outbox:GlobalPerSecond", "6"), ("Posting:QuietHours", ""), ("Posting:MinGapMinutes", "0"));
        await bot.Start();
        foreach (var g in groups) bot.Get<Groups>().Ensure(new ChatInfo(g.Id, ChatKind.Supergroup, g.Title));

        await FailNext("sendMessage", 429, retryAfter: 1);
        await FailNext("sendMessage", 502, count: 2);
        var fire = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(2), TimeSpan.Zero); // 10:00 in Shanghai today
        var daily = bot.Get<Schedules>().Find("daily")!;
        Assert.Equal(groups.Count, await bot.Get<PostScheduler>().Fire(daily, fire, DateTimeOffset.UtcNow));

        // Stop in the middle of the broadcast.
        for (var i = 0; i < 200 && (await bot.Users.History()).Count < 8; i++) await Task.Delay(50);
        await bot.Stop();
        var before = await bot.Users.History();
        Assert.InRange(before.Count, 8, groups.Count - 1);

        // After the restart the same fire comes again (a catch-up): nothing is queued twice, the rest goes out.
        await bot.Start();
        Assert.Equal(0, await bot.Get<PostScheduler>().Fire(daily, fire, DateTimeOffset.UtcNow));
        IReadOnlyList<BotMessage> sent = [];
        for (var i = 0; i < 300 && sent.Count < groups.Count; i++)
        {
            await Task.Delay(50);
            sent = await bot.Users.History();
        }
        await Task.Delay(1500); // anything sent twice would show up by now
        sent = await bot.Users.History();

        Assert.Equal(groups.Select(g => g.Id).Order(), sent.Select(m => m.ChatId).Order()); // each group exactly once
        Assert.All(sent, m => Assert.True(m.Text.Contains("<code>"), m.Text));
        Assert.Contains("429 for chat", bot.Logs());
        Assert.Contains("Bad Gateway", bot.Logs());
    }

    private async Task FailNext(string method, int code, int count = 1, int? retryAfter = null)
    {
        using var http = new HttpClient();
        var body = new JsonObject { ["method"] = method, ["code"] = code, ["count"] = count };
        if (retryAfter is { } r) body["retry_after"] = r;
        var response = await http.PostAsync(peer.BaseUrl + "/shim/failNext", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }
}
