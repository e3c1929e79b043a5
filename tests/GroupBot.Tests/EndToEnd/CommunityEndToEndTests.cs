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
            await users.SendRawUpdate(JoinedThrough(chat, n, link));
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
    public async Task Migration_to_a_supergroup_keeps_points_members_and_invite_links()
    {
        var old = new PeerChat(-4002, "group", "老积分群");
        var moved = new PeerChat(-1005000000004, "supergroup", "老积分群");
        await using var bot = new BotOnPeer(peer, "5004:migrate");
        await bot.Users.SetChatMember(old.Id, Owner, "creator");
        await bot.Users.SetChatMember(moved.Id, Owner, "creator");
        await bot.Start();
        var users = bot.Users;
        await users.SendText(Amy, old, "大家好");
        await users.SendCommand(Owner, old, "/award @amy 50 好文案");
        await users.WaitForBotMessage(old, m => m.Text.Contains("@amy +50 积分"));
        await users.SendCommand(Amy, old, "/mylink");
        var link = (await users.WaitForBotMessage(old, m => m.Text.Contains("专属邀请链接"))).Text.Split('\n')[1];

        await users.SendRawUpdate(new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["message_id"] = 99, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["from"] = PeerClient.UserJson(Owner),
                ["chat"] = PeerClient.ChatJson(old), ["migrate_to_chat_id"] = moved.Id,
            },
        });
        var migrated = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (bot.Get<Groups>().Find(moved.Id)?.MigratedFrom != old.Id && DateTime.UtcNow < migrated) await Task.Delay(50);
        Assert.Equal(old.Id, bot.Get<Groups>().Find(moved.Id)?.MigratedFrom);

        await users.SendCommand(Ben, moved, "/top all");
        Assert.Contains("🥇 @amy 50 分", (await users.WaitForBotMessage(moved, m => m.Text.Contains("🏆"))).Text);
        await users.SendCommand(Amy, moved, "/mylink");
        Assert.Equal(link, (await users.WaitForBotMessage(moved, m => m.Text.Contains("专属邀请链接"))).Text.Split('\n')[1]);
        var cat = new PeerUser(63, "Cat", "cat");
        await users.SendRawUpdate(JoinedThrough(moved, cat, link));
        await users.WaitForBotMessage(moved, m => m.Text.Contains("欢迎 @cat"));
        await users.SendCommand(Amy, moved, "/me");
        var me = (await users.WaitForBotMessage(moved, m => m.Text.Contains("👤"))).Text;
        Assert.Contains("积分 70", me); // 50 awarded before the move, 20 for the newcomer after it
        Assert.Contains("邀请新人 1 位", me);
    }

    /// <summary>The chat_member update Telegram sends an admin bot when someone joins through an invite link.</summary>
    private static JsonObject JoinedThrough(PeerChat chat, PeerUser user, string link) => new()
    {
        ["chat_member"] = new JsonObject
        {
            ["chat"] = PeerClient.ChatJson(chat), ["from"] = PeerClient.UserJson(user), ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["old_chat_member"] = new JsonObject { ["status"] = "left", ["user"] = PeerClient.UserJson(user) },
            ["new_chat_member"] = new JsonObject { ["status"] = "member", ["user"] = PeerClient.UserJson(user) },
            ["invite_link"] = new JsonObject
            {
                ["invite_link"] = link, ["creator"] = new JsonObject { ["id"] = 666, ["is_bot"] = true, ["first_name"] = "Bot" },
                ["creates_join_request"] = false, ["is_primary"] = false, ["is_revoked"] = false,
            },
        },
    };

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
