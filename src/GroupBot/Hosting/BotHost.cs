using GroupBot.Chat;
using GroupBot.Chat.Local;
using GroupBot.Chat.Telegram;
using GroupBot.Commands;
using GroupBot.Commerce;
using GroupBot.Community;
using GroupBot.Faq;
using GroupBot.OpsConsole;
using GroupBot.Outbox;
using GroupBot.Pipeline;
using GroupBot.Posting;
using GroupBot.Private;
using GroupBot.Games;
using GroupBot.Games.Bargain;
using GroupBot.Operations;
using GroupBot.Storage;
using GroupBot.Templates;
using GroupBot.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Telegram.Bot;

namespace GroupBot.Hosting;

/// <summary>A start-up problem an operator must fix; shown as one message, the bot exits non-zero.</summary>
public sealed class StartupException(string message) : Exception(message);

/// <summary>Builds the bot's host: configuration, logging, storage, the chat adapter and every feature.</summary>
public static class BotHost
{
    public const string RootVariable = "GROUPBOT_ROOT";

    /// <param name="args">command line (key=value overrides, e.g. --Storage:Path=x.db)</param>
    /// <param name="root">folder holding config/ and templates/; found from the working directory when null</param>
    /// <param name="overrides">test hook: extra configuration and services, applied last</param>
    public static IHost Build(string[] args, string? root = null,
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? overrides = null)
    {
        root ??= FindRoot();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = root,
            DisableDefaults = true,
        });
        var appsettings = Path.Combine(root, "config", "appsettings.json");
        if (!File.Exists(appsettings)) throw new StartupException($"{appsettings}: file not found");
        builder.Configuration.AddJsonFile(appsettings, optional: false, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        var config = builder.Configuration;
        var local = string.IsNullOrWhiteSpace(config["Telegram:BotToken"]);
        var logging = new Dictionary<string, string?>();
        // The local chat talks on the terminal: only warnings and errors go to the console there.
        if (local)
        {
            logging["Serilog:WriteTo:Console:Args:restrictedToMinimumLevel"] = "Warning";
            // Telegram's rate limits mean nothing on the terminal; a script should not wait on them.
            logging["Outbox:ChatPerSecond"] = logging["Outbox:ChatBurst"] = logging["Outbox:GroupPerMinute"] = "1000000";
        }
        // A relative log path is relative to the bot's folder, like every other path in config.
        if (config["Serilog:WriteTo:File:Args:path"] is { Length: > 0 } logPath)
            logging["Serilog:WriteTo:File:Args:path"] = InRoot(root, logPath);
        config.AddInMemoryCollection(logging);

        var services = builder.Services;
        // A start-up failure the operator must fix is printed once as one clear line (RunAsync), not as the
        // host's "Hosting failed to start" with a stack trace; real bugs keep their trace.
        services.AddSerilog((_, lc) => lc.ReadFrom.Configuration(config)
            .Filter.ByExcluding(e => e.Exception is { } ex && IsHostLog(e) && Describe(ex, config) is not null), preserveStaticLogger: true);
        services.AddSingleton(TimeProvider.System);
        // Under systemd (Type=notify): ready once started, stopping on SIGTERM; a no-op anywhere else.
        services.AddSystemd();
        services.AddSingleton<IValidateOptions<BotOptions>, OptionsChecks>();
        services.AddSingleton<IValidateOptions<TelegramOptions>, OptionsChecks>();
        services.AddSingleton<IValidateOptions<StorageOptions>, OptionsChecks>();
        services.AddOptions<BotOptions>().BindConfiguration(BotOptions.Section)
            .PostConfigure(o => { o.TemplatesPath = InRoot(root, o.TemplatesPath); o.ConfigPath = InRoot(root, o.ConfigPath); })
            .ValidateOnStart();
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section).ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .PostConfigure(o => { o.Path = InRoot(root, o.Path); o.BackupPath = InRoot(root, o.BackupPath); })
            .Check("Storage:BackupEveryHours", o => o.BackupEveryHours, o => o.BackupEveryHours is >= 0 and <= 24 * 30, "hours from 0 (off) to 720")
            .Check("Storage:KeepBackups", o => o.KeepBackups, o => o.KeepBackups is >= 1 and <= 10_000, "a number of snapshots from 1 to 10000")
            .ValidateOnStart();
        services.AddOptions<LocalChatOptions>().BindConfiguration(LocalChatOptions.Section)
            .Check("LocalChat:GroupTitle", o => o.GroupTitle, o => !string.IsNullOrWhiteSpace(o.GroupTitle), "a group title such as 演示群")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new Database(storage.Path, time: sp.GetRequiredService<TimeProvider>(), log: sp.GetRequiredService<ILogger<Database>>());
        });
        services.AddSingleton(sp => new TemplateStore(sp.GetRequiredService<IOptions<BotOptions>>().Value.TemplatesPath,
            sp.GetRequiredService<ILogger<TemplateStore>>()));
        if (local)
        {
            services.AddSingleton<IChatAdapter>(sp => new LocalChatAdapter(Console.In, Console.Out,
                sp.GetRequiredService<IOptions<LocalChatOptions>>(), interactive: !Console.IsInputRedirected, sp.GetRequiredService<Database>()));
        }
        else
        {
            services.AddSingleton<ITelegramBotClient>(sp =>
            {
                var o = sp.GetRequiredService<IOptions<TelegramOptions>>().Value;
                // No retries inside the client: on its own it would sleep out a 429 in the middle of a call, holding up
                // every chat behind it; the outbox waits retry_after for that chat only, and the adapter retries the rest.
                return new TelegramBotClient(new TelegramBotClientOptions(o.BotToken!, string.IsNullOrEmpty(o.BaseUrl) ? null : o.BaseUrl)
                {
                    RetryThreshold = 0,
                    RetryCount = 0,
                });
            });
            services.AddSingleton<UpdateInbox>();
            services.AddSingleton<IChatAdapter, TelegramAdapter>();
            services.AddTelegramWebhook();
        }

        services.AddSingleton<ChatQueues>();
        services.AddSingleton<EventSink>();
        services.AddSingleton<Groups>();
        services.AddSingleton<EventProcessor>();
        services.AddSingleton<ConfigReloader>();
        services.AddSingleton<RunOutcome>();
        services.AddSingleton<SentMessages>();
        // Each feature registers its own options, services and commands; this only composes them.
        services.AddOutbox();
        services.AddCommandRouting();
        services.AddFaq();
        services.AddGames();
        services.AddPosting();
        services.AddCommunity();
        services.AddBargain();
        services.AddCommerce();
        services.AddPrivateChat();
        GroupBot.Games.Jigsaw.JigsawSetup.AddJigsaw(services);
        services.AddConsole();
        services.AddOperations();

        services.AddHostedService<StorageWatch>();
        services.AddSingleton<Backups>();
        services.AddHostedService(sp => sp.GetRequiredService<Backups>());
        services.AddHostedService<StartupChecks>();
        services.AddHostedService(sp => sp.GetRequiredService<PostScheduler>());
        services.AddHostedService(sp => sp.GetRequiredService<ConfigReloader>());
        services.AddOutboxSender();
        services.AddWebServer();
        services.AddHostedService<BotService>();
        overrides?.Invoke(services);
        return builder.Build();
    }

    /// <summary>Runs the bot; returns the process exit code. Start-up problems print one clear message.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        IHost host;
        try
        {
            host = Build(args);
        }
        catch (Exception ex) when (ex is StartupException or InvalidDataException or FormatException)
        {
            return Fail(ex.Message);
        }
        using (host)
        {
            try
            {
                await host.StartAsync();
            }
            catch (Exception ex) when (Describe(ex, host.Services.GetRequiredService<IConfiguration>()) is { } message)
            {
                return Fail(message);
            }
            await host.WaitForShutdownAsync();
            await host.StopAsync();
            return host.Services.GetRequiredService<RunOutcome>().ExitCode;
        }
    }

    /// <summary>The operator-facing message for a start-up failure, or null for a bug (left to crash loudly).</summary>
    public static string? Describe(Exception ex, IConfiguration config) => ex switch
    {
        OptionsValidationException o => string.Join(Environment.NewLine, o.Failures),
        StartupException or ConfigFileException => ex.Message,
        InvalidOperationException when OptionsChecks.ConversionError(config, ex) is { } message => message,
        IOException or UnauthorizedAccessException => "storage: " + ex.Message,
        AggregateException { InnerExceptions.Count: 1 } agg => Describe(agg.InnerExceptions[0], config),
        _ => null,
    };

    private static bool IsHostLog(Serilog.Events.LogEvent e) =>
        e.Properties.TryGetValue("SourceContext", out var source)
        && source is Serilog.Events.ScalarValue { Value: "Microsoft.Extensions.Hosting.Internal.Host" };

    private static int Fail(string message)
    {
        Console.Error.WriteLine("GroupBot cannot start: " + message);
        return 2;
    }

    public static string InRoot(string root, string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(root, path));

    /// <summary>GROUPBOT_ROOT, else the nearest folder up from the working directory (then the program) holding config/appsettings.json.</summary>
    public static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } env) return Path.GetFullPath(env);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "config", "appsettings.json"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}

/// <summary>Checks that must pass before the bot talks to anyone: templates parse, the FAQ seed reads.</summary>
public sealed class StartupChecks(IServiceProvider sp, TemplateStore templates) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        if (!Directory.Exists(templates.Root)) throw new StartupException($"{templates.Root}: templates folder not found");
        var errors = templates.CheckAll();
        if (errors.Count > 0) throw new StartupException(string.Join(Environment.NewLine, errors));
        sp.SyncFaqSeed();
        sp.LoadPostingFiles();
        var groupsFile = Path.Combine(sp.GetRequiredService<IOptions<BotOptions>>().Value.ConfigPath, "groups.json");
        var groups = sp.GetRequiredService<GroupBot.Community.Groups>();
        groups.File.Load(groupsFile);
        sp.GetRequiredService<ConfigReloader>().Add(groupsFile, () => groups.File.Load(groupsFile));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
