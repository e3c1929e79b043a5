using Microsoft.Extensions.DependencyInjection;

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

/// <summary>A feature's commands, registered with its services; the registry gathers them all at start.</summary>
public sealed record CommandSource(Func<IServiceProvider, IEnumerable<CommandSpec>> Specs);

public static class CommandSetup
{
    /// <summary>Registers a feature's commands (called by each feature's own setup).</summary>
    public static IServiceCollection AddCommands(this IServiceCollection services, Func<IServiceProvider, IEnumerable<CommandSpec>> specs) =>
        services.AddSingleton(new CommandSource(specs));

    /// <summary>The registry, the router and roles: /help and every command the features registered.</summary>
    public static IServiceCollection AddCommandRouting(this IServiceCollection services) => services
        .AddSingleton<Roles>()
        .AddSingleton<CommandRouter>()
        .AddSingleton(sp =>
        {
            var registry = new CommandRegistry();
            registry.Add(HelpCommand.Spec(registry));
            foreach (var source in sp.GetServices<CommandSource>())
                foreach (var spec in source.Specs(sp)) registry.Add(spec);
            return registry;
        });
}
