namespace GroupBot.Chat;

/// <summary>Who sees a command menu: everyone (members in groups), group admins, or anyone in a private chat with the bot.</summary>
public enum MenuScope { Default, GroupAdmins, Private }

/// <summary>The boundary to a chat network. Two implementations: Telegram and the local terminal chat.</summary>
public interface IChatAdapter
{
    /// <summary>The bot's username, used to tell "/cmd@ThisBot" from commands for other bots.</summary>
    string BotUsername { get; }

    /// <summary>The local chat shows replies before it reads the next line, so it waits for them to be sent.</summary>
    bool WaitsForReplies { get; }

    /// <summary>Connects and learns who the bot is.</summary>
    Task ConnectAsync(CancellationToken ct);

    /// <summary>Feeds events to <paramref name="onEvent"/> until cancelled or the source ends.</summary>
    Task RunAsync(Func<ChatEvent, Task> onEvent, CancellationToken ct);

    /// <summary>Performs an action; returns the id of the message sent or edited, if any. A refusal is a ChatApiException.</summary>
    Task<int?> PerformAsync(ChatAction action, CancellationToken ct);

    Task<IReadOnlySet<long>> GetChatAdminsAsync(long chatId, CancellationToken ct);

    /// <summary>A new invite link for the chat, named (Telegram shows the name to admins); needs admin rights.</summary>
    Task<string> CreateInviteLinkAsync(long chatId, string name, CancellationToken ct);

    /// <summary>
    /// Whether the user is in the chat now (Telegram's getChatMember: creator, administrator, member, or restricted but still
    /// in it). An adapter that cannot tell says no: whatever this guards is then refused, never granted.
    /// </summary>
    Task<bool> IsMemberAsync(long chatId, long userId, CancellationToken ct) => Task.FromResult(false);

    /// <summary>The command menu shown under "/" (Telegram's setMyCommands); null language is the default.</summary>
    Task SetCommandMenuAsync(IReadOnlyList<(string Name, string Description)> commands, string? languageCode, CancellationToken ct);

    /// <summary>The command menu for one scope (Telegram's BotCommandScope); an adapter without scopes keeps the default one only.</summary>
    Task SetCommandMenuAsync(IReadOnlyList<(string Name, string Description)> commands, MenuScope scope, string? languageCode, CancellationToken ct) =>
        scope == MenuScope.Default ? SetCommandMenuAsync(commands, languageCode, ct) : Task.CompletedTask;
}
