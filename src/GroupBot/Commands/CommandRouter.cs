using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Templates;
using Microsoft.Extensions.Logging;

namespace GroupBot.Commands;

/// <summary>Turns a message into a command call: parse, check it is for us, check the caller's role, run the handler.</summary>
public sealed class CommandRouter(CommandRegistry registry, Roles roles, Trust trust, Groups groups, TemplateStore templates, TimeProvider time,
    ILogger<CommandRouter> log, Private.GroupViews views)
{
    /// <summary>
    /// A member who repeats a command within this window and would get the very same answer gets none: repeats cost the
    /// whole group's message budget. An answer that changed (the state moved on) is given.
    /// </summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromSeconds(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long Chat, long User), (string Text, string Answer, DateTimeOffset At)> _last = new();

    public async Task<IReadOnlyList<ChatAction>> Handle(MessageReceived message, string botUsername, Group group, CancellationToken ct)
    {
        var language = groups.LanguageOf(group);
        var line = CommandLine.Parse(message.Text);
        // In a private chat there is nobody else to talk to: plain text gets a pointer to /help rather than silence.
        if (line is null && message.Chat.Kind is ChatKind.Private && !string.IsNullOrWhiteSpace(message.Text))
            return [new SendText(message.ChatId, templates.Render("private_hint", language), ReplyTo: message.MessageId)];
        if (line is null || !line.IsFor(botUsername)) return [];
        var spec = registry.Find(line.Name);
        if (spec is null)
        {
            // In a group an unknown command may belong to another bot; only a direct address or a private chat gets help.
            if (line.Addressee is null && message.Chat.Kind is not ChatKind.Private) return [];
            return [new SendText(message.ChatId, templates.Render("unknown_command", language, new { Command = TelegramText.Quote(line.Name, 32) }), ReplyTo: message.MessageId)];
        }

        var args = new CommandArgs(line, spec.OptionKeys);
        var isPrivate = message.Chat.Kind is ChatKind.Private;
        if (spec.Scope == CommandScope.Private && !isPrivate || spec.Scope == CommandScope.Groups && isPrivate)
        {
            // Told without asking Telegram for the caller's role: nothing is done here either way.
            var scope = new CommandContext(message, line, args, Role.Member, language, groups.TimeZoneOf(group), templates, trust.IsOperator(message.From.Id));
            return scope.Refused(isPrivate ? "groups_only" : "private_only");
        }
        if (isPrivate && spec.Scope == CommandScope.Anywhere && Private.GroupViews.Views.Contains(spec.Name))
        {
            // A group's figures asked for privately: answered for a group the caller administers, picked with a button.
            var pick = new CommandContext(message, line, args, Role.Member, language, groups.TimeZoneOf(group), templates, trust.IsOperator(message.From.Id));
            return await views.Pick(pick, ct);
        }
        var roleAsked = spec.Role == Role.Admin || spec.RoleMatters?.Invoke(args) != false;
        var role = roleAsked ? await roles.RoleOf(message.Chat, message.From.Id, ct) : Role.Member;
        var context = new CommandContext(message, line, args, role, language, groups.TimeZoneOf(group), templates,
            trust.IsOperator(message.From.Id));
        if (spec.Role == Role.Admin && role != Role.Admin)
        {
            log.LogInformation("Refused /{Command} from {UserId} in {ChatId}: not an admin", line.Name, message.From.Id, message.ChatId);
            return context.NotAllowed();
        }
        var actions = args.UnknownOptions.Count > 0 ? context.Usage("unknown_option", args.UnknownOptions[0]) : await spec.Handle(context, ct);
        // Admins may repeat themselves: asked only now, when the rule would hold back an answer, if not asked before.
        if (role == Role.Member && message.Chat.Kind != ChatKind.Private && IsRepeat(message, actions)
            && (roleAsked || await roles.RoleOf(message.Chat, message.From.Id, ct) == Role.Member))
        {
            log.LogInformation("Repeated /{Command} from {UserId} in {ChatId} within {Seconds}s, same answer: not sent again", line.Name,
                message.From.Id, message.ChatId, RepeatWindow.TotalSeconds);
            actions = [.. actions.Where(a => a is not (SendText or SendPhoto))];
        }
        return spec.Secret ? [new DeleteMessage(message.ChatId, message.MessageId), .. actions] : actions;
    }

    private long _answers;

    private bool IsRepeat(MessageReceived message, IReadOnlyList<ChatAction> actions)
    {
        var now = time.GetUtcNow();
        var key = (message.ChatId, message.From.Id);
        var text = message.Text.Trim();
        var answer = string.Join("\n", actions.Select(a => a switch { SendText t => t.Text, SendPhoto p => p.Caption, _ => "" }));
        var repeat = answer.Length > 0 && _last.TryGetValue(key, out var last) && last.Text == text && last.Answer == answer && now - last.At < RepeatWindow;
        // Only recent senders matter. Count locks the whole dictionary: looked at once in a thousand answers.
        if (Interlocked.Increment(ref _answers) % 1024 == 0 && _last.Count > 100_000) _last.Clear();
        if (!repeat) _last[key] = (text, answer, now);
        return repeat;
    }
}
