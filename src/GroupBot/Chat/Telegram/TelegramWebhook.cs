using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GroupBot.Hosting;
using GroupBot.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace GroupBot.Chat.Telegram;

/// <summary>Telegram pushes updates to this URL instead of the bot polling for them (Telegram:Webhook).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Telegram:Webhook";

    /// <summary>The public HTTPS address Telegram posts to; empty: long polling. Its path is the route Kestrel serves.</summary>
    public string? Url { get; set; }

    /// <summary>Sent by Telegram in X-Telegram-Bot-Api-Secret-Token on every push; empty: a random one per start.</summary>
    public string? SecretToken { get; set; }

    /// <summary>Telegram's simultaneous connections to the webhook, 1–100.</summary>
    public int MaxConnections { get; set; } = 40;

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    /// <summary>The route Kestrel serves: the URL's path (a reverse proxy passes it through unchanged).</summary>
    public string Path => Uri.TryCreate(Url, UriKind.Absolute, out var u) ? u.AbsolutePath : "";

    private string? _secret;

    /// <summary>The secret in force: the configured one, or one made at start (Telegram is told it by setWebhook).</summary>
    public string Secret => _secret ??= string.IsNullOrEmpty(SecretToken)
        ? Convert.ToHexString(RandomNumberGenerator.GetBytes(32))
        : SecretToken;
}

public static class TelegramWebhookSetup
{
    /// <summary>Paths other features serve on the same Kestrel server: a webhook may not take them.</summary>
    private static readonly string[] Taken = ["/api", "/console", "/healthz", "/metrics"];

    public static IServiceCollection AddTelegramWebhook(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Check("Telegram:Webhook:SecretToken", o => string.IsNullOrEmpty(o.SecretToken) ? "" : "(hidden)",
                o => string.IsNullOrEmpty(o.SecretToken) || System.Text.RegularExpressions.Regex.IsMatch(o.SecretToken, "^[A-Za-z0-9_-]{1,256}$"),
                "1-256 characters A-Z, a-z, 0-9, _ and -, or empty for a random one per start")
            .Check("Telegram:Webhook:MaxConnections", o => o.MaxConnections, o => o.MaxConnections is >= 1 and <= 100, "connections from 1 to 100")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>>(sp => new Checks(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<TelegramWebhook>();
        services.AddWebRoutes("telegram-webhook", (endpoints, sp) =>
        {
            var o = sp.GetRequiredService<IOptions<WebhookOptions>>().Value;
            if (!o.Enabled) return;
            var hook = sp.GetRequiredService<TelegramWebhook>();
            endpoints.MapPost(o.Path, hook.Handle);
        });
        return services;
    }

    /// <summary>The URL (which depends on Telegram:BaseUrl) and the web server a webhook needs.</summary>
    private sealed class Checks(IConfiguration config) : IValidateOptions<WebhookOptions>
    {
        public ValidateOptionsResult Validate(string? name, WebhookOptions o)
        {
            if (!o.Enabled) return ValidateOptionsResult.Success;
            var errors = new List<string>();
            if (!ValidUrl(o.Url!))
                errors.Add(OptionsChecks.Error(config, "Telegram:Webhook:Url", o.Url,
                    "an https:// URL with a path of its own, such as https://bot.example.com/telegram/3f9c (http:// only with Telegram:BaseUrl, a local Bot API server)"));
            if (string.Equals(config["Web:Enabled"], "false", StringComparison.OrdinalIgnoreCase))
                errors.Add(OptionsChecks.Error(config, "Web:Enabled", "false", "true while Telegram:Webhook:Url is set (the web server serves the webhook)"));
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }

        private bool ValidUrl(string url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.AbsolutePath.Length < 2 || !string.IsNullOrEmpty(u.Query)) return false;
            if (Taken.Any(t => u.AbsolutePath.Equals(t, StringComparison.OrdinalIgnoreCase) || u.AbsolutePath.StartsWith(t + "/", StringComparison.OrdinalIgnoreCase)))
                return false;
            return u.Scheme == "https" || u.Scheme == "http" && !string.IsNullOrEmpty(config["Telegram:BaseUrl"]);
        }
    }
}

/// <summary>
/// The webhook endpoint: checks Telegram's secret in constant time, stores the update durably (a repeat is dropped by
/// its id), hands it to the bot and only then answers 200; anything else is not 2xx, so Telegram delivers it again.
/// </summary>
public sealed class TelegramWebhook(IChatAdapter adapter, UpdateInbox inbox, IOptions<WebhookOptions> options, ILogger<TelegramWebhook> log)
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>An update is a few kilobytes; anything much bigger is not from Telegram.</summary>
    public const long MaxBody = 1 << 20;

    private byte[]? _secretHash;

    public async Task Handle(HttpContext http)
    {
        if (!SecretMatches(http.Request.Headers[SecretHeader].ToString()))
        {
            log.LogWarning("Webhook request from {Remote} without the right secret token: refused", http.Connection.RemoteIpAddress);
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        if (adapter is not TelegramAdapter telegram || !telegram.AcceptsPushes)
        {
            // Not started yet (or stopping): Telegram retries later.
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBody;
        Update? update;
        try
        {
            update = await JsonSerializer.DeserializeAsync<Update>(http.Request.Body, JsonBotAPI.Options, http.RequestAborted);
        }
        catch (Exception ex) when (ex is JsonException or BadHttpRequestException or NotSupportedException)
        {
            log.LogWarning("Webhook request with an unreadable update: {Error}", ex.Message);
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (update is null || update.Id <= 0)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        try
        {
            await telegram.Pushed(update, inbox);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not durably accepted: a non-2xx answer makes Telegram deliver it again.
            log.LogError(ex, "Could not accept pushed update {UpdateId}", update.Id);
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>Compares hashes of both, so neither the content nor the length of the secret leaks through timing.</summary>
    public bool SecretMatches(string given)
    {
        _secretHash ??= SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Secret));
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _secretHash);
    }
}
