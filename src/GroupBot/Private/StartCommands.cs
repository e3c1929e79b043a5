using GroupBot.Chat;
using GroupBot.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupBot.Private;

/// <summary>
/// /start: the welcome in a private chat (what the bot does and what this user can do here, from the registry), or a deep
/// link's payload handed to the feature that issued it. /claim &lt;payload&gt; does the same as opening the link: the local
/// chat's stand-in for scanning a QR code, and a fallback for a client that drops the start parameter.
/// </summary>
public sealed class StartCommands(IServiceProvider services, DeepLinks links, ILogger<StartCommands> log)
{
    // The registry is built from every feature's commands, these included: it is looked up when used, not injected.
    private CommandRegistry Registry => services.GetRequiredService<CommandRegistry>();

    public IEnumerable<CommandSpec> Specs =>
    [
        new("start", Role.Member, Start, RoleMatters: _ => true),
        // The payload is a secret until it is used: in a group the command is deleted at once.
        new("claim", Role.Member, Claim, Secret: true),
    ];

    /// <summary>The commands this caller can use in a private chat: members' ones, and private-only ones their role allows.</summary>
    public IReadOnlyList<CommandSpec> PrivateCommands(Role role, bool isOperator) => Registry.All
        .Where(c => c.Scope != CommandScope.Groups && (c.Role == Role.Member || role == Role.Admin && c.Scope == CommandScope.Private))
        .Where(c => c.ListedFor(isOperator))
        .OrderBy(c => c.Scope == CommandScope.Private ? 0 : 1).ThenBy(c => c.Name, StringComparer.Ordinal)
        .Where(c => c.Name is not ("start" or "claim"))
        .ToList();

    private Task<IReadOnlyList<ChatAction>> Start(CommandContext ctx, CancellationToken ct)
    {
        if (ctx.Message.Chat.Kind != ChatKind.Private)
        {
            // A bare /start in a group is usually meant for another bot; only one addressed to this bot is answered.
            if (ctx.Line.Addressee is null) return Task.FromResult<IReadOnlyList<ChatAction>>([]);
            return Task.FromResult(ctx.Reply("start", new { InGroup = true, IsOperator = ctx.IsOperator, Commands = new List<string>() }));
        }
        if (ctx.Args.Count > 0) return Dispatch(ctx, ctx.Args[0], ct);
        return Task.FromResult(Welcome(ctx));
    }

    private Task<IReadOnlyList<ChatAction>> Claim(CommandContext ctx, CancellationToken ct)
    {
        if (ctx.Args.Count == 0) return Task.FromResult(ctx.Usage("missing_payload"));
        var payload = ExtractPayload(ctx.Args[0]);
        // Not a deep link: a code word read off a picture ("K7QM-4XPA", spaces allowed).
        if (!links.TryResolve(payload, out _, out _) && links.CodeHandler is { } code) return code(ctx, ctx.Args.Rest(0), ct);
        return Dispatch(ctx, payload, ct);
    }

    public IReadOnlyList<ChatAction> Welcome(CommandContext ctx) => ctx.Reply("start", new
    {
        InGroup = false,
        ctx.IsOperator,
        Commands = PrivateCommands(ctx.Role, ctx.IsOperator).Select(c => c.Name).ToList(),
    });

    private async Task<IReadOnlyList<ChatAction>> Dispatch(CommandContext ctx, string payload, CancellationToken ct)
    {
        if (!links.TryResolve(payload, out var handler, out var rest))
        {
            // Never echoed: a payload is what someone else's link held, or junk.
            log.LogInformation("Deep link refused for {UserId}: no feature issued it", ctx.From.Id);
            return ctx.Reply("deep_link", new { Code = "invalid" });
        }
        return await handler(ctx, rest, ct);
    }

    /// <summary>"/claim https://t.me/bot?start=jg_x" works too: the scanned link pasted whole.</summary>
    private static string ExtractPayload(string text)
    {
        var at = text.IndexOf("start=", StringComparison.OrdinalIgnoreCase);
        return at >= 0 ? text[(at + 6)..] : text;
    }
}
