using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Community;
using GroupBot.Templates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupBot.Private;

/// <summary>
/// A group admin works on their groups from the private chat, posting nothing into them: /mygroups lists the groups where
/// Telegram says they are an admin (operators: every group), and /stats, /schedules, /games and /preview sent privately
/// answer for a group picked with a button. Every view checks the caller's admin rights in that group again (a button can
/// be pressed long after it was sent), and only read-only commands run this way.
/// </summary>
public sealed class GroupViews(IServiceProvider services, Roles roles, Groups groups, Trust trust, TemplateStore templates, ILogger<GroupViews> log)
{
    /// <summary>The commands that can answer for a group in a private chat: they read, never write.</summary>
    public static readonly IReadOnlySet<string> Views = new HashSet<string>(StringComparer.Ordinal) { "stats", "schedules", "games", "preview" };

    /// <summary>At most this many groups are listed (and asked of Telegram) per request.</summary>
    public const int MaxGroups = 50;

    private CommandRegistry Registry => services.GetRequiredService<CommandRegistry>();

    public IEnumerable<CommandSpec> Specs => [new("mygroups", Role.Member, MyGroups, Scope: CommandScope.Private, RoleMatters: _ => false)];

    /// <summary>The groups (not private chats) where the user is an admin now: asked of Telegram (cached), all of them for operators.</summary>
    public async Task<IReadOnlyList<Group>> AdminGroups(long userId, CancellationToken ct)
    {
        var found = new List<Group>();
        foreach (var group in groups.Active().Where(g => g.Kind != nameof(ChatKind.Private) && g.Kind != nameof(ChatKind.Channel)))
        {
            if (found.Count >= MaxGroups) break;
            if (trust.IsOperator(userId) || await roles.RoleOf(groups.InfoOf(group.ChatId), userId, ct) == Role.Admin) found.Add(group);
        }
        return found;
    }

    private async Task<IReadOnlyList<ChatAction>> MyGroups(CommandContext ctx, CancellationToken ct)
    {
        var mine = await AdminGroups(ctx.From.Id, ct);
        var buttons = mine.Select(g => (IReadOnlyList<Button>)
            [.. new[] { "stats", "schedules", "games" }.Select(v => new Button($"{Short(g.Title)} · {Label(ctx, v)}", Data(v, g.ChatId, "")))]).ToList();
        return [new SendText(ctx.ChatId, ctx.Render("mygroups", new
        {
            Groups = mine.Select(g => new { Title = TelegramText.Quote(g.Title, 64), Id = g.ChatId }).ToList(),
            ctx.IsOperator,
            Max = MaxGroups,
        }), buttons, ReplyTo: ctx.Message.MessageId)];
    }

    /// <summary>/stats (…) sent privately: the caller's one group answers at once; with more, a button per group picks it.</summary>
    public async Task<IReadOnlyList<ChatAction>> Pick(CommandContext ctx, CancellationToken ct)
    {
        var verb = ctx.Line.Name;
        var mine = await AdminGroups(ctx.From.Id, ct);
        if (mine.Count == 0) return ctx.Reply("mygroups", new { Groups = Array.Empty<object>(), ctx.IsOperator, Max = MaxGroups });
        var argText = ctx.Line.ArgText;
        if (mine.Count == 1) return await Run(ctx.ChatId, ctx.From, mine[0], verb, argText, ctx.Message.MessageId, ct);
        if (Data(verb, mine[0].ChatId, argText).Length > 64) return ctx.Usage("args_too_long_for_picker", argText);
        var buttons = mine.Select(g => (IReadOnlyList<Button>)[new Button(Short(g.Title), Data(verb, g.ChatId, argText))]).ToList();
        return [new SendText(ctx.ChatId, ctx.Render("mygroups_pick", new { Command = verb, Code = "pick" }), buttons, ReplyTo: ctx.Message.MessageId)];
    }

    /// <summary>A picker's button ("pv:&lt;verb&gt;:&lt;chat&gt;[:args]"), pressed in the private chat.</summary>
    public async Task<IReadOnlyList<ChatAction>> Press(ButtonPressed press, CancellationToken ct)
    {
        IReadOnlyList<ChatAction> Toast(string code) =>
            [new AnswerButton(press.ChatId, press.CallbackId, templates.Render("mygroups_pick", groups.LanguageOf(groups.Ensure(press.Chat)), new { Command = "", Code = code }))];
        // Telegram's callback data is at most 64 bytes; anything else did not come from a picker.
        var parts = press.Data.Split(':', 4);
        if (press.Chat.Kind != ChatKind.Private || parts.Length < 3 || parts[0] != "pv" || !Views.Contains(parts[1]) || !long.TryParse(parts[2], out var chatId))
            return Toast("stale");
        if (groups.Find(chatId) is not { Active: true } group) return Toast("stale");
        if (!trust.IsOperator(press.From.Id) && await roles.RoleOf(groups.InfoOf(chatId), press.From.Id, ct) != Role.Admin)
        {
            log.LogInformation("Private view /{Command} of {ChatId} refused to {UserId}: not an admin there", parts[1], chatId, press.From.Id);
            return Toast("not_admin");
        }
        return [new AnswerButton(press.ChatId, press.CallbackId), .. await Run(press.ChatId, press.From, group, parts[1], parts.Length > 3 ? parts[3] : "", null, ct)];
    }

    /// <summary>
    /// Runs a read-only command as if the admin had sent it in the group, and sends its answer to the private chat instead.
    /// </summary>
    private async Task<IReadOnlyList<ChatAction>> Run(long privateChat, ChatUser user, Group group, string verb, string argText, int? replyTo,
        CancellationToken ct)
    {
        var spec = Registry.Find(verb);
        if (spec is null || !Views.Contains(verb)) return [];
        var message = new MessageReceived(groups.InfoOf(group.ChatId), user, 0, ("/" + verb + " " + argText).Trim());
        var line = CommandLine.Parse(message.Text)!;
        var args = new CommandArgs(line, spec.OptionKeys);
        var ctx = new CommandContext(message, line, args, Role.Admin, groups.LanguageOf(group), groups.TimeZoneOf(group), templates,
            trust.IsOperator(user.Id));
        var actions = args.UnknownOptions.Count > 0 ? ctx.Usage("unknown_option", args.UnknownOptions[0]) : await spec.Handle(ctx, ct);
        var title = TelegramText.Quote(group.Title, 64);
        // Only answers go to the private chat: nothing is posted, edited or deleted in the group.
        return actions.Select(a => a switch
        {
            SendText t => new SendText(privateChat, $"【{(t.Html ? System.Net.WebUtility.HtmlEncode(title) : title)}】\n" + t.Text, null, replyTo, null, t.Html),
            SendPhoto p => new SendPhoto(privateChat, p.Photo, p.Caption),
            _ => (ChatAction?)null,
        }).OfType<ChatAction>().ToList();
    }

    private static string Data(string verb, long chatId, string args) => args.Length == 0 ? $"pv:{verb}:{chatId}" : $"pv:{verb}:{chatId}:{args}";

    private static string Short(string title) => title.Length > 16 ? title[..15] + "…" : title;

    private static string Label(CommandContext ctx, string verb) => ctx.Render("mygroups_pick", new { Command = verb, Code = "label" });
}
