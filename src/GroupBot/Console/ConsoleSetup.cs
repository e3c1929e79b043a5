using GroupBot.Chat;
using GroupBot.Chat.Local;
using GroupBot.Commands;
using GroupBot.Hosting;
using GroupBot.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// The folder is Console/, but a namespace GroupBot.Console would hide System.Console from every GroupBot.* namespace.
namespace GroupBot.OpsConsole;

public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>Off: no console pages or API, and /console says so. The console is served at Web:Url.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The address operators open, when it is not Web:Url (behind a reverse proxy: https://ops.example.com).</summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>How long a sign-in link may be used (once).</summary>
    public int LinkMinutes { get; set; } = 10;

    /// <summary>How long a session lasts after sign-in.</summary>
    public int SessionHours { get; set; } = 12;
}

public static class ConsoleSetup
{
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section)
            .Check("Console:PublicUrl", o => o.PublicUrl, o => o.PublicUrl.Length == 0 || Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https",
                "an address such as https://ops.example.com, or empty for Web:Url")
            .Check("Console:LinkMinutes", o => o.LinkMinutes, o => o.LinkMinutes is >= 1 and <= 60, "minutes from 1 to 60")
            .Check("Console:SessionHours", o => o.SessionHours, o => o.SessionHours is >= 1 and <= 24 * 7, "hours from 1 to 168")
            .ValidateOnStart();
        services.AddSingleton<SignIn>();
        services.AddSingleton<ConsoleAudit>();
        services.AddSingleton<ConsoleEdits>();
        services.AddSingleton<Forecast>();
        services.AddSingleton<Broadcasts>();
        services.AddSingleton<Boards>();
        services.AddSingleton<ConsoleLinks>();
        services.AddCommands(sp => [sp.GetRequiredService<ConsoleLinks>().Spec]);
        services.AddHostedService(sp => sp.GetRequiredService<ConsoleLinks>());
        services.AddWebRoutes("console", (endpoints, sp) =>
        {
            if (sp.GetRequiredService<IOptions<ConsoleOptions>>().Value.Enabled) ConsoleRoutes.Map(endpoints, sp);
        });
        return services;
    }
}

/// <summary>
/// Sign-in links: /console in a private chat gives an operator one; in the local chat (no Telegram token) one for the
/// local owner is logged at start, as a warning because the local chat shows only warnings on the terminal.
/// </summary>
public sealed class ConsoleLinks(SignIn signIn, Broadcasts broadcasts, IOptions<ConsoleOptions> options, IOptions<WebOptions> web, IServiceProvider sp,
    IHostApplicationLifetime lifetime, ILogger<ConsoleLinks> log) : IHostedService
{
    public CommandSpec Spec => new("console", Role.Member, (ctx, _) => Task.FromResult(Handle(ctx)), RoleMatters: _ => false, Scope: CommandScope.Private,
        OperatorsOnly: true);

    /// <summary>Whether the console is being served (both it and the web server are on, and the server listens).</summary>
    public bool On => options.Value.Enabled && web.Value.Enabled && sp.GetRequiredService<WebServer>().Address is not null;

    private IReadOnlyList<ChatAction> Handle(CommandContext ctx)
    {
        if (!ctx.IsOperator)
        {
            log.LogInformation("Refused /console from {UserId}: not an operator", ctx.From.Id);
            return ctx.Reply("console_link", new { Code = "not_operator" });
        }
        if (!On) return ctx.Reply("console_link", new { Code = "off" });
        log.LogInformation("Console sign-in link issued to operator {UserId}", ctx.From.Id);
        return ctx.Reply("console_link", new { Code = "link", Url = Link(ctx.From), options.Value.LinkMinutes });
    }

    /// <summary>A new one-time sign-in link for this user.</summary>
    public string Link(ChatUser user) => Base() + "signin?t=" + signIn.Issue(user);

    private string Base()
    {
        var root = options.Value.PublicUrl is { Length: > 0 } p ? p : sp.GetRequiredService<WebServer>().Address!.ToString();
        return root.EndsWith('/') ? root : root + "/";
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Built now, not at the first page view, so it records the skips of every fire from the start.
        _ = broadcasts;
        // After every hosted service started, so the web server's real address is known.
        lifetime.ApplicationStarted.Register(() =>
        {
            if (!On || sp.GetRequiredService<IChatAdapter>() is not LocalChatAdapter local) return;
            log.LogWarning("Console: open {Link} (one use, {Minutes} min)", Link(local.OwnerUser),
                options.Value.LinkMinutes);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
