using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace GroupBot.Hosting;

/// <summary>"Bot" section: behaviour shared by every chat.</summary>
public sealed class BotOptions
{
    public const string Section = "Bot";
    public string Language { get; set; } = "zh-CN";
    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>User ids with admin rights in every chat.</summary>
    public long[] Operators { get; set; } = [];
    public int AdminCacheSeconds { get; set; } = 120;
    public string TemplatesPath { get; set; } = "templates";
    public string ConfigPath { get; set; } = "config";
}

/// <summary>"Telegram" section. No token: the bot runs on the local chat.</summary>
public sealed class TelegramOptions
{
    public const string Section = "Telegram";
    public string? BotToken { get; set; }
    /// <summary>Bot API server (scheme, host, port); empty for api.telegram.org.</summary>
    public string? BaseUrl { get; set; }
    public int PollTimeoutSeconds { get; set; } = 25;
    public int MaxBackoffSeconds { get; set; } = 60;
}

public sealed class StorageOptions
{
    public const string Section = "Storage";
    public string Path { get; set; } = "data/groupbot.db";
}

public sealed class LocalChatOptions
{
    public const string Section = "LocalChat";
    public string GroupTitle { get; set; } = "演示群";
    /// <summary>Local user names that are admins of the demo group besides "owner".</summary>
    public string[] Admins { get; set; } = [];
}

/// <summary>
/// Checks options at start and names where a bad value came from (file, environment or command line),
/// the key and what is expected, so an operator can fix it without reading code.
/// </summary>
public sealed class OptionsChecks(IConfiguration config) :
    IValidateOptions<BotOptions>, IValidateOptions<TelegramOptions>, IValidateOptions<StorageOptions>, IValidateOptions<Outbox.OutboxOptions>
{
    public static readonly string[] Languages = ["zh-CN", "en"];

    public ValidateOptionsResult Validate(string? name, BotOptions o)
    {
        var errors = new List<string>();
        if (!Languages.Contains(o.Language))
            errors.Add(Error("Bot:Language", o.Language, $"one of {string.Join(", ", Languages)}"));
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _))
            errors.Add(Error("Bot:TimeZone", o.TimeZone, "an IANA time zone such as Asia/Shanghai"));
        if (o.AdminCacheSeconds is < 0 or > 86_400)
            errors.Add(Error("Bot:AdminCacheSeconds", o.AdminCacheSeconds, "a number of seconds from 0 to 86400"));
        if (o.Operators.Any(id => id <= 0))
            errors.Add(Error("Bot:Operators", string.Join(",", o.Operators), "positive Telegram user ids"));
        if (string.IsNullOrWhiteSpace(o.TemplatesPath))
            errors.Add(Error("Bot:TemplatesPath", o.TemplatesPath, "a folder path"));
        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, TelegramOptions o)
    {
        var errors = new List<string>();
        // The token itself is never echoed back, not even in an error.
        if (!string.IsNullOrEmpty(o.BotToken) && !System.Text.RegularExpressions.Regex.IsMatch(o.BotToken, @"^\d+:[A-Za-z0-9_-]+$"))
            errors.Add(Error("Telegram:BotToken", "(hidden)", "a BotFather token like 123456789:AA… (digits, a colon, letters)"));
        if (!string.IsNullOrEmpty(o.BaseUrl) && !(Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            errors.Add(Error("Telegram:BaseUrl", o.BaseUrl, "an http(s) URL such as http://127.0.0.1:8081, or empty"));
        if (o.PollTimeoutSeconds is < 0 or > 50)
            errors.Add(Error("Telegram:PollTimeoutSeconds", o.PollTimeoutSeconds, "seconds from 0 to 50"));
        if (o.MaxBackoffSeconds is < 1 or > 3600)
            errors.Add(Error("Telegram:MaxBackoffSeconds", o.MaxBackoffSeconds, "seconds from 1 to 3600"));
        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, StorageOptions o) =>
        string.IsNullOrWhiteSpace(o.Path) || o.Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0
            ? ValidateOptionsResult.Fail(Error("Storage:Path", o.Path, "a file path such as data/groupbot.db"))
            : ValidateOptionsResult.Success;

    public ValidateOptionsResult Validate(string? name, Outbox.OutboxOptions o)
    {
        var errors = new List<string>();
        void Positive(string key, double value)
        {
            if (!(value > 0 && double.IsFinite(value))) errors.Add(Error("Outbox:" + key, value, "a number above 0"));
        }
        Positive(nameof(o.GlobalPerSecond), o.GlobalPerSecond);
        Positive(nameof(o.ChatPerSecond), o.ChatPerSecond);
        Positive(nameof(o.GroupPerMinute), o.GroupPerMinute);
        if (!(o.ChatBurst >= 1 && double.IsFinite(o.ChatBurst)))
            errors.Add(Error("Outbox:ChatBurst", o.ChatBurst, "a number of messages, at least 1"));
        if (o.MaxAttempts is < 1 or > 100)
            errors.Add(Error("Outbox:MaxAttempts", o.MaxAttempts, "a number of tries from 1 to 100"));
        if (o.MaxInFlight is < 1 or > 100)
            errors.Add(Error("Outbox:MaxInFlight", o.MaxInFlight, "a number of requests from 1 to 100"));
        return Result(errors);
    }

    private string Error(string key, object? value, string expected) =>
        $"{SourceOf(config, key)}: {key} = '{value}' is invalid; expected {expected}";

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

    /// <summary>Which configuration source supplied a key (the last one wins, as in binding).</summary>
    public static string SourceOf(IConfiguration config, string key)
    {
        if (config is not IConfigurationRoot root) return "configuration";
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _) && !provider.GetChildKeys([], key).Any()) continue;
            return provider switch
            {
                JsonConfigurationProvider json => json.Source.FileProvider is PhysicalFileProvider files
                    ? System.IO.Path.Combine(files.Root, json.Source.Path ?? "")
                    : json.Source.Path ?? "json file",
                Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider =>
                    "environment variable " + key.Replace(":", "__"),
                Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationProvider => "command line --" + key,
                _ => provider.ToString() ?? "configuration",
            };
        }
        return "default";
    }
}
