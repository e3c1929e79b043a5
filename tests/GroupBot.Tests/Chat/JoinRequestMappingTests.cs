using System.Text.Json;
using GroupBot.Chat;
using GroupBot.Chat.Telegram;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace GroupBot.Tests.Chat;

/// <summary>Issue 16: chat_join_request as Telegram sends it, and the bot asks for it.</summary>
public sealed class JoinRequestMappingTests
{
    [Fact]
    public void A_join_request_keeps_who_asked_and_the_invite_link()
    {
        var update = JsonSerializer.Deserialize<Update>("""
            { "update_id": 9, "chat_join_request": { "chat": { "id": -1001, "type": "supergroup", "title": "分销群" },
              "from": { "id": 52, "is_bot": false, "first_name": "Amy" }, "user_chat_id": 52, "date": 1,
              "invite_link": { "invite_link": "https://t.me/+abc", "creator": { "id": 7, "is_bot": false, "first_name": "Dora" },
                "creates_join_request": true, "is_primary": false, "is_revoked": false } } }
            """, JsonBotAPI.Options)!;
        var evt = Assert.IsType<JoinRequested>(UpdateMapper.Map(update, 666));
        Assert.Equal((-1001L, 52L, "https://t.me/+abc"), (evt.ChatId, evt.From.Id, evt.InviteLink));
        Assert.Contains(UpdateType.ChatJoinRequest, TelegramAdapter.AllowedUpdates);
    }
}
