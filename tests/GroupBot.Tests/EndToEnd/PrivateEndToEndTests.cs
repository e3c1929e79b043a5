using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GroupBot.Tests.EndToEnd;

/// <summary>Issue 13 end to end: the command menus per scope and language, /start and /mygroups in a private chat.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PrivateEndToEndTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    private static readonly PeerUser Owner = new(71, "Olga", "olga");
    private static readonly PeerUser Amy = new(72, "Amy", "amy");

    private async Task<List<JsonObject>> Menus(string token)
    {
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var resp = await http.PostAsJsonAsync(peer.BaseUrl + "/shim/myCommands", new { token });
            var all = (JsonNode.Parse(await resp.Content.ReadAsStringAsync())!["result"] as JsonArray)!.OfType<JsonObject>().ToList();
            if (all.Count >= 6 || clock.Elapsed > TimeSpan.FromSeconds(10)) return all;
            await Task.Delay(100);
        }
    }

    private static List<string> Names(List<JsonObject> menus, string scope, string lang) =>
        menus.Single(m => m["scope"]!.GetValue<string>() == scope && m["language_code"]!.GetValue<string>() == lang)["commands"]!.AsArray()
            .Select(c => c!["command"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Menus_are_set_per_scope_and_language_from_the_registry_and_start_and_mygroups_work_privately()
    {
        var chat = new PeerChat(-1003000000113, "supergroup", "私聊测试群");
        await using var bot = new BotOnPeer(peer, "3113:private");
        var users = bot.Users;
        await users.SetChatMember(chat.Id, Owner, "creator");
        await bot.Start();

        var menus = await Menus(bot.Token);
        Assert.Equal(6, menus.Count); // default, group admins, private chats × zh (default) and en
        foreach (var lang in new[] { "", "en" })
        {
            var members = Names(menus, "default", lang);
            var admins = Names(menus, "all_chat_administrators", lang);
            var privately = Names(menus, "all_private_chats", lang);
            Assert.Contains("faq", members);
            Assert.DoesNotContain("lottery", members);
            Assert.DoesNotContain("mygroups", members);
            Assert.Contains("lottery", admins);
            Assert.Contains("jigsaw", admins);
            Assert.Contains("faq", admins);
            Assert.Contains("mygroups", privately);
            Assert.DoesNotContain("jigsaw", privately);
            Assert.DoesNotContain("lottery", privately);
        }
        var zh = menus.Single(m => m["scope"]!.GetValue<string>() == "default" && m["language_code"]!.GetValue<string>() == "")["commands"]!.AsArray();
        Assert.Contains(zh, c => c!["description"]!.GetValue<string>().Contains("常见问题"));
        var en = menus.Single(m => m["scope"]!.GetValue<string>() == "default" && m["language_code"]!.GetValue<string>() == "en")["commands"]!.AsArray();
        Assert.Contains(en, c => c!["description"]!.GetValue<string>().StartsWith("FAQ", StringComparison.Ordinal));

        await users.SendCommand(Amy, PeerChat.Private(Amy), "/start");
        var welcome = await users.WaitForBotMessage(PeerChat.Private(Amy), m => m.Text.Contains("你好！"));
        Assert.Contains("/mygroups", welcome.Text);

        await users.SendCommand(Owner, chat, "/games"); // the bot learns of the group
        await users.WaitForBotMessage(chat, m => m.Text.Contains("没有进行中的游戏"));
        await users.SendCommand(Owner, PeerChat.Private(Owner), "/mygroups");
        BotMessage list;
        try
        {
            list = await users.WaitForBotMessage(PeerChat.Private(Owner), m => m.Text.Contains("你管理的群"));
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException(bot.Logs());
        }
        Assert.Contains("私聊测试群", list.Text);
        var stats = list.AllButtons.First(b => b.CallbackData == $"pv:stats:{chat.Id}");
        await users.PressButton(Owner, list, stats.CallbackData!);
        await users.WaitForBotMessage(PeerChat.Private(Owner), m => m.Text.Contains("【私聊测试群】"));
        await users.SendCommand(Amy, PeerChat.Private(Amy), "/mygroups");
        await users.WaitForBotMessage(PeerChat.Private(Amy), m => m.Text.Contains("你目前不是任何群的管理员"));
        Assert.DoesNotContain(await users.History(chat), m => m.Text.Contains("【"));
    }
}
