using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
    /// <summary>Hours between online snapshots of the database; 0 turns them off.</summary>
    public double BackupEveryHours { get; set; } = 6;
    /// <summary>How many snapshots are kept (the oldest go first).</summary>
    public int KeepBackups { get; set; } = 28;
    /// <summary>Where snapshots are written (relative paths are relative to the bot's folder).</summary>
    public string BackupPath { get; set; } = "data/backups";
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
    IValidateOptions<BotOptions>, IValidateOptions<TelegramOptions>, IValidateOptions<StorageOptions>
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
        // The binder silently drops list items it cannot convert ("bob" in a list of ids): check the raw values.
        var operators = config.GetSection("Bot:Operators");
        var raw = operators.GetChildren().Select(c => c.Value ?? "").ToList();
        if (!string.IsNullOrEmpty(operators.Value) || raw.Any(v => !long.TryParse(v, out var id) || id <= 0) || o.Operators.Any(id => id <= 0))
            errors.Add(Error("Bot:Operators", raw.Count > 0 ? string.Join(",", raw) : operators.Value, "a list of positive Telegram user ids such as [123456789]"));
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

    private string Error(string key, object? value, string expected) => Error(config, key, value, expected);

    /// <summary>"source: key = 'value' is invalid; expected …", the one shape of every configuration error.</summary>
    public static string Error(IConfiguration config, string key, object? value, string expected) =>
        $"{SourceOf(config, key)}: {key} = '{value}' is invalid; expected {expected}";

    /// <summary>
    /// The binder's "Failed to convert configuration value 'x' at 'A:B' to type 'System.Int32'" as a configuration
    /// error naming where the value came from; null for any other exception.
    /// </summary>
    public static string? ConversionError(IConfiguration config, Exception ex)
    {
        var m = System.Text.RegularExpressions.Regex.Match(ex.Message,
            @"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        if (ex is not InvalidOperationException || !m.Success) return null;
        var expected = m.Groups["type"].Value switch
        {
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            var type when type.StartsWith("System.Nullable`1[[System.Int64", StringComparison.Ordinal) => "a whole number or null",
            var type when type.StartsWith("System.Nullable`1[[System.Decimal", StringComparison.Ordinal) => "a number or null",
            var type => "a value of type " + type,
        };
        return Error(config, m.Groups["key"].Value, m.Groups["value"].Value, expected);
    }

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

/// <summary>Start-up checks for a feature's options section, each naming its source, key and what is expected.</summary>
public static class OptionsCheckExtensions
{
    /// <summary>Fails start-up with "source: key = 'value' is invalid; expected …" unless <paramref name="ok"/> holds.</summary>
    public static OptionsBuilder<T> Check<T>(this OptionsBuilder<T> builder, string key, Func<T, object?> value, Func<T, bool> ok, string expected)
        where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(sp => new Rule<T>(sp.GetRequiredService<IConfiguration>(), key, value, ok, expected));
        return builder;
    }

    private sealed class Rule<T>(IConfiguration config, string key, Func<T, object?> value, Func<T, bool> ok, string expected)
        : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) => ok(options)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(OptionsChecks.Error(config, key, value(options), expected));
    }
}
