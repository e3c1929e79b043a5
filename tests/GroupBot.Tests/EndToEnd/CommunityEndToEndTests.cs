using System.Text.Json.Nodes;
using GroupBot.Community;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.EndToEnd;

/// <summary>Issues 3 and 6 end to end: invite links, welcome, points and leaderboard, photo posts, against the peer.</summary>
[Trait("Category", "EndToEnd")]
public sealed class CommunityEndToEndTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    private static readonly PeerUser Owner = new(51, "Olly", "olly");
    private static readonly PeerUser Amy = new(52, "Amy", "amy");
    private static readonly PeerUser Ben = new(53, "Ben", "ben");
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(1500);

    [Fact]
    public async Task A_newcomer_through_a_personal_link_is_attributed_and_a_burst_gets_one_welcome()
    {
        var chat = new PeerChat(-1005000000001, "supergroup", "邀请群");
        await using var bot = new BotOnPeer(peer, "5001:invite");
        await bot.Users.SetChatMember(chat.Id, Owner, "creator");
        await bot.Start();
        var users = bot.Users;
        await users.SendCommand(Amy, chat, "/mylink");
        var link = (await users.WaitForBotMessage(chat, m => m.Text.Contains("专属邀请链接"))).Text.Split('\n')[1];
        Assert.StartsWith("https://t.me/+peer", link);

        var newcomers = new[] { new PeerUser(60, "Cat", "cat"), new PeerUser(61, "Dan", "dan"), new PeerUser(62, "Eve", "eve") };
        foreach (var n in newcomers)
        {
            await users.SendNewMembers(n, chat, n);
            await users.SendRawUpdate(new JsonObject
            {
                ["chat_member"] = new JsonObject
                {
                    ["chat"] = PeerClient.ChatJson(chat), ["from"] = PeerClient.UserJson(n), ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                    ["old_chat_member"] = new JsonObject { ["status"] = "left", ["user"] = PeerClient.UserJson(n) },
                    ["new_chat_member"] = new JsonObject { ["status"] = "member", ["user"] = PeerClient.UserJson(n) },
                    ["invite_link"] = new JsonObject
                    {
                        ["invite_link"] = link, ["creator"] = new JsonObject { ["id"] = 666, ["is_bot"] = true, ["first_name"] = "Bot" },
                        ["creates_join_request"] = false, ["is_primary"] = false, ["is_revoked"] = false,
                    },
                },
            });
        }
        var welcome = await users.WaitForBotMessage(chat, m => m.Text.Contains("欢迎"));
        Assert.Contains("@cat、@dan、@eve", welcome.Text);
        Assert.DoesNotContain(await users.DrainBotMessages(chat, Quiet), m => m.Text.Contains("欢迎"));

        await users.SendCommand(Amy, chat, "/me");
        Assert.Contains("邀请新人 3 位", (await users.WaitForBotMessage(chat, m => m.Text.Contains("👤"))).Text);
        await users.SendCommand(Ben, chat, "/top all by=recruits");
        Assert.Contains("🥇 @amy 3 位", (await users.WaitForBotMessage(chat, m => m.Text.Contains("🏆"))).Text);
    }

    [Fact]
    public async Task Points_and_the_leaderboard_after_awards_and_a_game_win()
    {
        var chat = new PeerChat(-1005000000002, "supergroup", "积分群");
        await using var bot = new BotOnPeer(peer, "5002:points");
        await bot.Users.SetChatMember(chat.Id, Owner, "creator");
        await bot.Start();
        var users = bot.Users;
        await users.SendText(Amy, chat, "大家好");
        await users.SendText(Ben, chat, "大家好");
        await users.SendCommand(Owner, chat, "/award @amy 30 好文案");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("@amy +30 积分"));
        await users.SendCommand(Amy, chat, "/award @ben 1000");
        await users.WaitForBotMessage(chat, m => m.Text.Contains("只有群管理员可以使用"));
        await users.SendCommand(Owner, chat, "/lottery 2 1 奖品");
        var game = await users.WaitForBotMessage(chat, m => m.Text.Contains("🧧"));
        await users.PressButton(Amy, game, "g:1:join");
        await users.PressButton(Ben, game, "g:1:join");
        await users.SendCommand(Amy, chat, "/grab");
        await users.SendCommand(Ben, chat, "/grab");
        var result = await users.WaitForBotMessage(chat, m => m.Text.Contains("🏆 红包"));
        var amyWon = result.Text.Contains("恭喜 @amy");
        await users.DrainBotMessages(chat, Quiet);
        await users.SendCommand(Ben, chat, "/top week");
        var top = await users.WaitForBotMessage(chat, m => m.Text.Contains("本周积分榜"));
        Assert.Contains(amyWon ? "🥇 @amy 40 分" : "🥇 @amy 30 分", top.Text);
        Assert.Contains(amyWon ? "" : "@ben 10 分", top.Text);
    }

    [Fact]
    public async Task A_post_with_a_product_photo_is_sent_as_a_photo_with_its_caption()
    {
        using var root = Repo.Temp().WithBotFiles();
        var image = Path.Combine(root.Path, "config", "chestnut.png");
        File.WriteAllBytes(image, Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="));
        var products = Path.Combine(root.Path, "config", "products.json");
        File.WriteAllText(products, File.ReadAllText(products).Replace("\"theme\": \"product\",\n      \"tags\": [\"坚果\", \"零食\", \"复购王\"]",
            "\"theme\": \"product\",\n      \"image\": \"chestnut.png\",\n      \"tags\": [\"坚果\", \"零食\", \"复购王\"]"));
        Assert.Contains("chestnut.png", File.ReadAllText(products));
        var chat = new PeerChat(-1005000000003, "supergroup", "素材群");
        await using var bot = new BotOnPeer(peer, "5003:photo", root.Path);
        await bot.Users.SetChatMember(chat.Id, Owner, "creator");
        await bot.Start();
        await bot.Users.SendCommand(Owner, chat, "/post daily chestnut");
        BotMessage post;
        try
        {
            post = await bot.Users.WaitForBotMessage(chat, m => m.Text.Contains("有机甘栗仁"));
        }
        catch (TimeoutException ex)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\nlogs:\n" + bot.Logs() + "\npeer:\n" + peer.Output);
        }
        Assert.NotNull(post.Message["photo"]);
        Assert.Contains("<code>", post.Text);
        Assert.Equal("html", post.Message["parse_mode"]?.GetValue<string>(), ignoreCase: true); // Telegram reads it case-insensitively
    }
}
