using GroupBot.Chat;
using GroupBot.Chat.Local;
using GroupBot.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GroupBot.Tests.Support;

/// <summary>The real bot host, with its database and logs in a temp folder.</summary>
public static class TestHosts
{
    public static Dictionary<string, string?> Settings(TempDir dir, params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Path"] = dir.File("bot.db"),
            // Any free port: tests run side by side.
            ["Web:Url"] = "http://127.0.0.1:0",
            ["Serilog:WriteTo:File:Args:path"] = dir.File("logs/bot-.log"),
            ["Serilog:WriteTo:Console:Args:restrictedToMinimumLevel"] = "Fatal",
            // Rate limits have tests of their own; elsewhere they would only make tests wait on fake time.
            ["Outbox:GlobalPerSecond"] = "100000",
            ["Outbox:ChatPerSecond"] = "100000",
            ["Outbox:ChatBurst"] = "100000",
            ["Outbox:GroupPerMinute"] = "100000",
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    /// <summary>Runs a local-chat script through the whole host and returns what the chat showed.</summary>
    public static async Task<string> RunLocalScript(TempDir dir, string script, string? root = null, params (string, string?)[] extra)
    {
        var output = new StringWriter();
        using var host = BotHost.Build([], root ?? Repo.Root, Settings(dir, extra), services =>
            services.AddSingleton<IChatAdapter>(sp => new LocalChatAdapter(new StringReader(script), output,
                sp.GetRequiredService<IOptions<LocalChatOptions>>(), interactive: false, sp.GetRequiredService<GroupBot.Storage.Database>())));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        await host.WaitForShutdownAsync(timeout.Token);
        return output.ToString();
    }
}
