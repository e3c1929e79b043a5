using GroupBot.Chat;

namespace GroupBot.Commands;

/// <summary>/help: the commands this caller may use here, from the help template.</summary>
public static class HelpCommand
{
    public static CommandSpec Spec(CommandRegistry registry) => new("help", Role.Member, (ctx, _) =>
    {
        var names = registry.UsableBy(ctx.Role).Select(c => c.Name).ToList();
        return Task.FromResult(ctx.Reply("help", new { Commands = names, IsAdmin = ctx.IsAdmin }));
    });

    /// <summary>The menu Telegram shows under "/", one "name - description" line each, from the command_menu template.</summary>
    public static IReadOnlyList<(string Name, string Description)> Menu(CommandRegistry registry, Templates.TemplateStore templates, string language)
    {
        var text = templates.Render("command_menu", language, new { Commands = registry.UsableBy(Role.Member).Select(c => c.Name).ToList() });
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(" - ", 2))
            .Where(p => p.Length == 2 && p[0].Length > 0 && p[1].Length > 0)
            .Select(p => (p[0].TrimStart('/'), p[1]))
            .ToList();
    }
}
