namespace GroupBot.Chat;

public sealed record ChatUser(long Id, string FirstName, string? Username = null, bool IsBot = false)
{
    public string DisplayName => Username is { Length: > 0 } u ? "@" + u : FirstName;
}

public enum ChatKind { Private, Group, Supergroup, Channel }

public sealed record ChatInfo(long Id, ChatKind Kind, string Title);

/// <summary>What an adapter hands to the bot. One record per incoming thing, in arrival order per chat.</summary>
public abstract record ChatEvent(ChatInfo Chat)
{
    public long ChatId => Chat.Id;

    /// <summary>Run inside the event's unit of work: the adapter's own record that it was handled (Telegram's inbox).</summary>
    public Action? Handled { get; init; }
}

/// <param name="Mentions">users named in the text by a Telegram text mention (people without a username)</param>
public sealed record MessageReceived(ChatInfo Chat, ChatUser From, int MessageId, string Text, int? ReplyToMessageId = null,
    IReadOnlyList<ChatUser>? Mentions = null) : ChatEvent(Chat);

public sealed record ButtonPressed(ChatInfo Chat, ChatUser From, string CallbackId, int MessageId, string Data)
    : ChatEvent(Chat);

public sealed record MembersJoined(ChatInfo Chat, IReadOnlyList<ChatUser> Members, string? InviteLink = null)
    : ChatEvent(Chat);

public sealed record MemberLeft(ChatInfo Chat, ChatUser Member) : ChatEvent(Chat);

/// <summary>Someone became or stopped being an admin of the chat (Telegram's chat_member update): the admins are asked again.</summary>
public sealed record AdminsChanged(ChatInfo Chat, long UserId) : ChatEvent(Chat);

public sealed record BotAdded(ChatInfo Chat, ChatUser? By) : ChatEvent(Chat);

public sealed record BotRemoved(ChatInfo Chat) : ChatEvent(Chat);

/// <summary>A group became a supergroup: everything stored under the old id moves to the new one.</summary>
public sealed record ChatMigrated(ChatInfo Chat, long NewChatId) : ChatEvent(Chat);

/// <summary>
/// Someone asked to join a group that approves newcomers (Telegram's chat_join_request), maybe through an invite link:
/// the link is kept so the member is attributed once an admin (or the bot) approves.
/// </summary>
public sealed record JoinRequested(ChatInfo Chat, ChatUser From, string? InviteLink) : ChatEvent(Chat);

/// <summary>A game's deadline came (from a timer, not the chat). Late: it fell due while the bot was down.</summary>
public sealed record DeadlineDue(ChatInfo Chat, int GameId, DateTime DueUtc, bool Late) : ChatEvent(Chat);

/// <summary>A game's message is due for its coalesced edit.</summary>
public sealed record GameRefreshDue(ChatInfo Chat, int GameId) : ChatEvent(Chat);

/// <summary>The joins collected over the welcome delay are due for one welcome message.</summary>
public sealed record WelcomeDue(ChatInfo Chat) : ChatEvent(Chat);

/// <summary>A schedule's fire time came: one unit posts it to every group it targets (in the scheduler's own queue).</summary>
public sealed record ScheduleDue(string ScheduleId, DateTimeOffset Fire) : ChatEvent(Scheduler)
{
    /// <summary>The queue scheduled posts are handled in: not a chat, so fires never wait behind a busy group.</summary>
    public static readonly ChatInfo Scheduler = new(0, ChatKind.Private, "scheduler");
}
