using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;

namespace GroupBot.Web;

public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>Off: no HTTP listener at all (no console, health, metrics or webhook).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where Kestrel listens. Loopback by default: expose it through a reverse proxy, not directly.</summary>
    public string Url { get; set; } = "http://127.0.0.1:5280";
}

/// <summary>One feature's HTTP routes, mapped with the bot's own services (console, health, metrics, webhook).</summary>
public sealed record WebRoutes(string Name, Action<IEndpointRouteBuilder, IServiceProvider> Map);

public static class WebRegistration
{
    /// <summary>Adds a feature's routes to the bot's one web server; the server starts only if some feature has routes.</summary>
    public static IServiceCollection AddWebRoutes(this IServiceCollection services, string name,
        Action<IEndpointRouteBuilder, IServiceProvider> map)
    {
        services.AddSingleton(new WebRoutes(name, map));
        return services;
    }

    public static IServiceCollection AddWebServer(this IServiceCollection services)
    {
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section)
            .Validate(o => !o.Enabled || Uri.TryCreate(o.Url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https",
                "Web:Url: an address such as http://127.0.0.1:5280")
            .ValidateOnStart();
        services.AddSingleton<WebServer>();
        services.AddHostedService(sp => sp.GetRequiredService<WebServer>());
        return services;
    }
}

/// <summary>
/// Kestrel inside the bot's host. It is its own small web application (own middleware pipeline), but every
/// route is mapped with the bot's service provider, so pages and endpoints act through the same services
/// (and the same command path) as chat does.
/// </summary>
public sealed class WebServer(IServiceProvider bot, IOptions<WebOptions> options, IEnumerable<WebRoutes> routes,
    ILogger<WebServer> log) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The address Kestrel actually listens on (a port 0 in config becomes the real port), or null when off.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var all = routes.ToList();
        if (!o.Enabled || all.Count == 0) return;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(o.Url);
        builder.Services.AddSerilog(Log.Logger, dispose: false);
        builder.Services.AddRouting();
        var app = builder.Build();
        app.UseRouting();
        foreach (var r in all) r.Map(app, bot);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new Hosting.StartupException($"Web:Url {o.Url}: cannot listen ({ex.Message})");
        }
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Address = address is null ? null : new Uri(address.Replace("://[::]", "://localhost").Replace("://+", "://localhost"));
        log.LogWarning("Web server listening on {Address} ({Routes})", Address, string.Join(", ", all.Select(r => r.Name)));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app) await app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app) await app.DisposeAsync();
        _app = null;
    }
}
