namespace GroupBot.Commands;

/// <summary>Every command the bot answers; features add theirs at start-up, one line each.</summary>
public sealed class CommandRegistry
{
    private readonly Dictionary<string, CommandSpec> _commands = new(StringComparer.Ordinal);

    public CommandRegistry Add(CommandSpec spec)
    {
        if (!_commands.TryAdd(spec.Name, spec)) throw new InvalidOperationException($"Command /{spec.Name} registered twice");
        return this;
    }

    public CommandSpec? Find(string name) => _commands.GetValueOrDefault(name);

    public IReadOnlyList<CommandSpec> All => _commands.Values.ToList();

    public IReadOnlyList<CommandSpec> UsableBy(Role role) =>
        _commands.Values.Where(c => role == Role.Admin || c.Role == Role.Member).ToList();
}
