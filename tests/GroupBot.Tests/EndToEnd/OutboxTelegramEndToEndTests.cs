using System.Text.Json.Nodes;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Posting;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.EndToEnd;

/// <summary>Issue 16, item 5: Telegram details of sending, against the peer.</summary>
[Trait("Category", "EndToEnd")]
public sealed class OutboxTelegramEndToEndTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    private static readonly PeerUser Member = new(71, "Mike", "mike");

    private async Task FailNext(string method, int code, int count = 1, int? retryAfter = null, string? description = null, long? migrateTo = null)
    {
        using var http = new HttpClient();
        var body = new JsonObject { ["method"] = method, ["code"] = code, ["count"] = count };
        if (retryAfter is { } r) body["retry_after"] = r;
        if (description is not null) body["description"] = description;
        if (migrateTo is { } m) body["migrate_to_chat_id"] = m;
        var response = await http.PostAsync(peer.BaseUrl + "/shim/failNext", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    private static async Task<IReadOnlyList<BotMessage>> WaitForHistory(BotOnPeer bot, int count)
    {
        IReadOnlyList<BotMessage> sent = [];
        for (var i = 0; i < 300 && sent.Count < count; i++)
        {
            await Task.Delay(50);
            sent = await bot.Users.History();
        }
        await Task.Delay(1500); // anything sent twice shows up by now
        return await bot.Users.History();
    }

    [Fact]
    public async Task A_photo_is_uploaded_once_then_sent_by_file_id_and_a_429_on_its_follow_up_does_not_post_it_again()
    {
        using var root = Repo.Temp().WithBotFiles();
        Directory.CreateDirectory(Path.Combine(root.Path, "config", "images"));
        // A tiny valid PNG (1x1).
        File.WriteAllBytes(Path.Combine(root.Path, "config", "images", "p.png"), Convert.FromBase64String(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="));
        var longCopy = string.Concat(Enumerable.Repeat("栗子软糯香甜，一口一个，办公室抽屉必备。", 20)); // ~420 characters each
        File.WriteAllText(Path.Combine(root.Path, "config", "products.json"), new JsonObject
        {
            ["products"] = new JsonArray(new JsonObject
            {
                ["id"] = "p1", ["name"] = "有机甘栗仁", ["price"] = 9.9, ["theme"] = "product", ["image"] = "images/p.png",
                ["copy"] = new JsonArray(longCopy, longCopy + "！", longCopy + "～"),
            }),
        }.ToJsonString());
        File.WriteAllText(Path.Combine(root.Path, "config", "schedules.json"),
            """{ "schedules": [ { "id": "daily", "cron": "0 0 10 * * ?", "template": "daily_product", "products": "p1" } ] }""");
        var groups = Enumerable.Range(1, 4).Select(i => new PeerChat(-1007100000000 - i, "supergroup", $"图片{i}群")).ToList();
        await using var bot = new BotOnPeer(peer, "7101:photo", root.Path, ("Posting:QuietHours", ""), ("Posting:MinGapMinutes", "0"));
        await bot.Start();
        foreach (var g in groups) bot.Get<Groups>().Ensure(new ChatInfo(g.Id, ChatKind.Supergroup, g.Title));

        await FailNext("sendMessage", 429, retryAfter: 1);
        var fire = new DateTimeOffset(DateTime.UtcNow.Date.AddHours(2), TimeSpan.Zero);
        Assert.Equal(groups.Count, await bot.Get<PostScheduler>().Fire(bot.Get<Schedules>().Find("daily")!, fire, DateTimeOffset.UtcNow));

        var sent = await WaitForHistory(bot, groups.Count * 2);
        foreach (var g in groups)
        {
            var inGroup = sent.Where(m => m.ChatId == g.Id).ToList();
            Assert.True(inGroup.Count == 2, string.Join("\n", sent.Select(m => m.Raw.ToJsonString())) + "\nLOGS " + bot.Logs());
            Assert.Single(inGroup, m => m.Message["photo"] is not null); // the 429 on the follow-up did not post the photo again
            Assert.Single(inGroup, m => m.Message["photo"] is null);
        }
        var photos = sent.Where(m => m.Message["photo"] is not null).Select(m => m.Message["photo"]!.ToString()).ToList();
        Assert.Single(photos, p => p.StartsWith("attach://", StringComparison.Ordinal)); // one upload (multipart)
        Assert.All(photos.Where(p => !p.StartsWith("attach://", StringComparison.Ordinal)), p => Assert.StartsWith("peer-photo-", p)); // then its file_id
        Assert.Contains("429 for chat", bot.Logs());
    }

    [Fact]
    public async Task A_reply_refused_with_migrate_to_chat_id_goes_to_the_new_supergroup()
    {
        var oldGroup = new PeerChat(-7102001, "group", "老群");
        var newId = -1007102000002;
        await using var bot = new BotOnPeer(peer, "7102:migrate");
        await bot.Start();
        await FailNext("sendMessage", 400, description: "Bad Request: group chat was upgraded to a supergroup chat", migrateTo: newId);
        await bot.Users.SendCommand(Member, oldGroup, "/faq 物流");
        var sent = await WaitForHistory(bot, 1);
        var reply = Assert.Single(sent, m => m.Text.Contains("💡"));
        Assert.Equal(newId, reply.ChatId);
        Assert.Contains($"moved to {newId}", bot.Logs());
    }
}
