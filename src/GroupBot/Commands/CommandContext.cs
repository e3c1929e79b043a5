using GroupBot.Chat;
using GroupBot.Templates;

namespace GroupBot.Commands;

/// <summary>Everything a command handler needs about one command, and the ways it answers.</summary>
public sealed class CommandContext(
    MessageReceived message, CommandLine line, CommandArgs args, Role role, string language, TimeZoneInfo timeZone, TemplateStore templates,
    bool isOperator = false)
{
    /// <summary>The caller is a brand operator (Bot:Operators): admin everywhere, and trusted with brand-wide changes.</summary>
    public bool IsOperator { get; } = isOperator;
    public TimeZoneInfo TimeZone { get; } = timeZone;
    public MessageReceived Message { get; } = message;
    public CommandLine Line { get; } = line;
    public CommandArgs Args { get; } = args;
    public Role Role { get; } = role;
    public string Language { get; } = language;
    public long ChatId => Message.ChatId;
    public TemplateStore Templates { get; } = templates;
    public ChatUser From => Message.From;
    public bool IsAdmin => Role == Role.Admin;

    public string Render(string template, object? model = null) => Templates.Render(template, Language, model);

    /// <summary>A reply to the command's message, rendered from a template.</summary>
    public IReadOnlyList<ChatAction> Reply(string template, object? model = null) =>
        [new SendText(ChatId, Render(template, model), ReplyTo: Message.MessageId)];

    /// <summary>A one-line answer to a malformed command: what was wrong and the right form. Changes nothing.</summary>
    /// <param name="more">what the reason may add, e.g. the names to choose from (the template decides whether to show it)</param>
    public IReadOnlyList<ChatAction> Usage(string reason, string? value = null, string? command = null, string? more = null) =>
        Reply("usage", new { Command = command ?? Line.Name, Reason = reason, Value = TelegramText.Quote(value), More = more ?? "" });

    /// <param name="command">the sub-command refused ("faq add"), when the command itself is open to everyone</param>
    public IReadOnlyList<ChatAction> NotAllowed(string? command = null) => Reply("not_admin", new { Command = command ?? Line.Name });

    /// <summary>A polite refusal of something this caller may not do here (see the README's trust rules), by code.</summary>
    public IReadOnlyList<ChatAction> Refused(string code) => Reply("refused", new { Command = Line.Name, Code = code });
}

public delegate Task<IReadOnlyList<ChatAction>> CommandHandler(CommandContext context, CancellationToken ct);

/// <summary>A command: who may use it, which key=value options it takes, and its handler.</summary>
/// <param name="Secret">the command's own message holds a secret (a price guess's answer): it is deleted, whatever the reply</param>
/// <param name="RoleMatters">for a members' command: whether the caller's role changes what it does with these arguments;
/// when it does not, the role is not looked up (asking Telegram for a group's admins is a request of its own), except to
/// spare an admin the repeat rule when the same answer is asked for again</param>
/// <param name="OperatorsOnly">only operators can use it (the handler refuses anyone else with its own answer): /help, /start
/// and the menus list it to operators only</param>
public sealed record CommandSpec(string Name, Role Role, CommandHandler Handle, IReadOnlyCollection<string>? Options = null, bool Secret = false,
    Func<CommandArgs, bool>? RoleMatters = null, CommandScope Scope = CommandScope.Anywhere, bool OperatorsOnly = false)
{
    public IReadOnlyCollection<string> OptionKeys => Options ?? [];

    /// <summary>Whether /help, /start and the menus list it to this caller (an operators' command to operators only).</summary>
    public bool ListedFor(bool isOperator) => !OperatorsOnly || isOperator;

    /// <summary>Whether the command works in this kind of chat (its Scope).</summary>
    public bool UsableIn(ChatKind kind) => Scope switch
    {
        CommandScope.Private => kind == ChatKind.Private,
        CommandScope.Groups => kind != ChatKind.Private,
        _ => true,
    };
}

/// <summary>Where a command may be used: anywhere, only in groups, or only in a private chat with the bot.</summary>
public enum CommandScope { Anywhere, Groups, Private }
