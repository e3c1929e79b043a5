using GroupBot.Chat;

namespace GroupBot.Commands;

/// <summary>/help: the commands this caller may use here, from the help template.</summary>
public static class HelpCommand
{
    public static CommandSpec Spec(CommandRegistry registry) => new("help", Role.Member, (ctx, _) =>
    {
        var names = registry.UsableBy(ctx.Role).Where(c => c.UsableIn(ctx.Message.Chat.Kind) && c.ListedFor(ctx.IsOperator)).Select(c => c.Name).ToList();
        return Task.FromResult(ctx.Reply("help", new { Commands = names, IsAdmin = ctx.IsAdmin }));
    });

    /// <summary>The menu Telegram shows under "/", one "name - description" line each, from the command_menu template.</summary>
    public static IReadOnlyList<(string Name, string Description)> Menu(CommandRegistry registry, Templates.TemplateStore templates, string language,
        MenuScope scope = MenuScope.Default)
    {
        // Default: what members use in groups; group admins: theirs too; private chats: what works there for anyone.
        var commands = scope switch
        {
            MenuScope.GroupAdmins => registry.UsableBy(Role.Admin).Where(c => c.UsableIn(ChatKind.Supergroup)),
            MenuScope.Private => registry.UsableBy(Role.Member).Where(c => c.UsableIn(ChatKind.Private)),
            _ => registry.UsableBy(Role.Member).Where(c => c.UsableIn(ChatKind.Supergroup)),
        };
        // Telegram takes at most 100 commands per menu.
        var text = templates.Render("command_menu", language, new { Commands = commands.Where(c => c.ListedFor(isOperator: false)).Select(c => c.Name).Take(100).ToList() });
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(" - ", 2))
            .Where(p => p.Length == 2 && p[0].Length > 0 && p[1].Length > 0)
            .Select(p => (p[0].TrimStart('/'), p[1]))
            .ToList();
    }
}
