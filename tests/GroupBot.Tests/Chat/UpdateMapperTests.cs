using System.Text.Json;
using GroupBot.Chat;
using GroupBot.Chat.Telegram;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace GroupBot.Tests.Chat;

/// <summary>Telegram updates as the Bot API sends them, to the bot's events: members, mentions, the bot itself, migration.</summary>
public sealed class UpdateMapperTests
{
    private const long BotId = 666;
    private const string Group = """{ "id": -1001, "type": "supergroup", "title": "分销群" }""";
    private const string Amy = """{ "id": 52, "is_bot": false, "first_name": "Amy", "username": "amy" }""";
    private const string Wang = """{ "id": 53, "is_bot": false, "first_name": "小王" }""";
    private const string Bot = """{ "id": 666, "is_bot": true, "first_name": "Bot", "username": "shop_bot" }""";

    private static ChatEvent? Map(string json) => UpdateMapper.Map(JsonSerializer.Deserialize<Update>(json, JsonBotAPI.Options)!, BotId);

    private static string Member(string from, string to, string user, string extra = "") => $$"""
        { "update_id": 1, "chat_member": { "chat": {{Group}}, "from": {{user}}, "date": 1,
          "old_chat_member": { "status": "{{from}}", "user": {{user}} }, "new_chat_member": { "status": "{{to}}", "user": {{user}} } {{extra}} } }
        """;

    [Fact]
    public void A_text_mention_names_a_user_without_a_username()
    {
        var evt = Assert.IsType<MessageReceived>(Map($$"""
            { "update_id": 1, "message": { "message_id": 5, "date": 1, "chat": {{Group}}, "from": {{Amy}}, "text": "/award 小王 10",
              "entities": [ { "type": "bot_command", "offset": 0, "length": 6 }, { "type": "text_mention", "offset": 7, "length": 2, "user": {{Wang}} } ] } }
            """));
        Assert.Equal([new ChatUser(53, "小王")], evt.Mentions);
        Assert.Equal("/award 小王 10", evt.Text);
    }

    [Fact]
    public void A_join_reported_by_chat_member_carries_the_invite_link_used()
    {
        var evt = Assert.IsType<MembersJoined>(Map(Member("left", "member", Wang,
            """, "invite_link": { "invite_link": "https://t.me/+abc", "creator": { "id": 666, "is_bot": true, "first_name": "Bot" }, "creates_join_request": false, "is_primary": false, "is_revoked": false }""")));
        Assert.Equal("https://t.me/+abc", evt.InviteLink);
        Assert.Equal(53, Assert.Single(evt.Members).Id);
        Assert.Null(Assert.IsType<MembersJoined>(Map(Member("kicked", "member", Amy))).InviteLink);
    }

    [Fact]
    public void Other_member_changes_are_not_joins()
    {
        Assert.Null(Map(Member("member", "left", Amy)));          // the service message reports the leave
        Assert.Null(Map(Member("member", "restricted", Amy)));
    }

    [Fact]
    public void A_promotion_or_demotion_is_an_admin_change()
    {
        Assert.Equal(52, Assert.IsType<AdminsChanged>(Map(Member("member", "administrator", Amy))).UserId);
        Assert.IsType<AdminsChanged>(Map(Member("administrator", "member", Amy)));
        Assert.IsType<AdminsChanged>(Map(Member("administrator", "left", Amy)));
        Assert.IsType<AdminsChanged>(Map(Member("creator", "administrator", Amy)));
    }

    [Fact]
    public void The_bot_added_or_removed_and_a_migration_are_told_apart()
    {
        string Mine(string from, string to) => $$"""
            { "update_id": 1, "my_chat_member": { "chat": {{Group}}, "from": {{Amy}}, "date": 1,
              "old_chat_member": { "status": "{{from}}", "user": {{Bot}} }, "new_chat_member": { "status": "{{to}}", "user": {{Bot}} } } }
            """;
        Assert.Equal(52, Assert.IsType<BotAdded>(Map(Mine("left", "member"))).By!.Id);
        Assert.IsType<BotRemoved>(Map(Mine("member", "kicked")));
        Assert.Null(Map(Mine("member", "administrator")));
        Assert.IsType<BotAdded>(Map($$"""{ "update_id": 1, "message": { "message_id": 5, "date": 1, "chat": {{Group}}, "from": {{Amy}}, "new_chat_members": [ {{Bot}} ] } }"""));
        Assert.Equal([52L], Assert.IsType<MembersJoined>(Map($$"""{ "update_id": 1, "message": { "message_id": 5, "date": 1, "chat": {{Group}}, "from": {{Amy}}, "new_chat_members": [ {{Amy}} ] } }""")).Members.Select(m => m.Id));
        Assert.Equal(-1002, Assert.IsType<ChatMigrated>(Map($$"""{ "update_id": 1, "message": { "message_id": 5, "date": 1, "chat": {{Group}}, "from": {{Amy}}, "migrate_to_chat_id": -1002 } }""")).NewChatId);
    }
}
