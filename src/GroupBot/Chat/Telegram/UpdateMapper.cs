using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace GroupBot.Chat.Telegram;

/// <summary>Telegram's Update to our ChatEvent. Null for updates the bot does not act on.</summary>
public static class UpdateMapper
{
    public static ChatEvent? Map(Update update, long botId)
    {
        if (update.CallbackQuery is { Message: { } cbMessage } cb)
            return new ButtonPressed(Chat(cbMessage.Chat), User(cb.From), cb.Id, cbMessage.MessageId, cb.Data ?? "");

        if (update.ChatJoinRequest is { } request)
            return new JoinRequested(Chat(request.Chat), User(request.From), request.InviteLink?.InviteLink);

        if (update.MyChatMember is { } mine)
        {
            return mine.NewChatMember.Status switch
            {
                ChatMemberStatus.Left or ChatMemberStatus.Kicked => new BotRemoved(Chat(mine.Chat)),
                ChatMemberStatus.Member or ChatMemberStatus.Administrator
                    when mine.OldChatMember.Status is ChatMemberStatus.Left or ChatMemberStatus.Kicked => new BotAdded(Chat(mine.Chat), User(mine.From)),
                _ => null,
            };
        }

        if (update.ChatMember is { } member)
        {
            // Only chat_member carries the invite link a newcomer used (the bot must be an admin to get it).
            var cameIn = member.OldChatMember.Status is ChatMemberStatus.Left or ChatMemberStatus.Kicked
                && member.NewChatMember.Status is ChatMemberStatus.Member or ChatMemberStatus.Restricted;
            if (cameIn && !member.NewChatMember.User.IsBot)
                return new MembersJoined(Chat(member.Chat), [User(member.NewChatMember.User)], member.InviteLink?.InviteLink);
            // A promotion, a demotion or an admin's rights changed: admin rights must follow at once, not when a cache expires.
            static bool Admin(ChatMemberStatus s) => s is ChatMemberStatus.Administrator or ChatMemberStatus.Creator;
            return Admin(member.OldChatMember.Status) || Admin(member.NewChatMember.Status)
                ? new AdminsChanged(Chat(member.Chat), member.NewChatMember.User.Id)
                : null;
        }

        if (update.Message is not { } m) return null;
        var chat = Chat(m.Chat);
        if (m.MigrateToChatId is { } newId) return new ChatMigrated(chat, newId);
        if (m.NewChatMembers is { Length: > 0 } joined)
        {
            if (joined.Any(u => u.Id == botId)) return new BotAdded(chat, m.From is null ? null : User(m.From));
            return new MembersJoined(chat, joined.Select(User).ToList());
        }
        if (m.LeftChatMember is { } left)
            return left.Id == botId ? new BotRemoved(chat) : new MemberLeft(chat, User(left));
        if (m.From is null || m.Text is null) return null;
        var mentions = m.Entities?.Where(e => e.Type == MessageEntityType.TextMention && e.User is not null).Select(e => User(e.User!)).ToList();
        return new MessageReceived(chat, User(m.From), m.MessageId, m.Text, m.ReplyToMessage?.MessageId, mentions is { Count: > 0 } ? mentions : null);
    }

    private static ChatInfo Chat(global::Telegram.Bot.Types.Chat c) => new(c.Id, c.Type switch
    {
        ChatType.Private => ChatKind.Private,
        ChatType.Group => ChatKind.Group,
        ChatType.Supergroup => ChatKind.Supergroup,
        _ => ChatKind.Channel,
    }, c.Title ?? c.FirstName ?? c.Username ?? c.Id.ToString());

    private static ChatUser User(User u) => new(u.Id, u.FirstName, u.Username, u.IsBot);
}
