using GroupBot.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GroupBot.Outbox;

public static class OutboxSetup
{
    /// <summary>The outbox, its options (checked at start) and its sender.</summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services)
    {
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section)
            .Check("Outbox:GlobalPerSecond", o => o.GlobalPerSecond, o => o.GlobalPerSecond > 0, "messages a second, more than 0 (Telegram allows about 30)")
            .Check("Outbox:ChatPerSecond", o => o.ChatPerSecond, o => o.ChatPerSecond > 0, "messages a second in one chat, more than 0 (Telegram allows about 1)")
            .Check("Outbox:ChatBurst", o => o.ChatBurst, o => o.ChatBurst >= 1, "messages one chat may get at once, at least 1")
            .Check("Outbox:GroupPerMinute", o => o.GroupPerMinute, o => o.GroupPerMinute > 0, "messages a minute in one group, more than 0 (Telegram allows about 20)")
            .Check("Outbox:MaxAttempts", o => o.MaxAttempts, o => o.MaxAttempts is >= 1 and <= 100, "tries from 1 to 100")
            .Check("Outbox:MaxInFlight", o => o.MaxInFlight, o => o.MaxInFlight is >= 1 and <= 100, "requests under way at once, from 1 to 100")
            .ValidateOnStart();
        return services
            .AddSingleton(sp => sp.GetRequiredService<IOptions<OutboxOptions>>().Value)
            .AddSingleton<OutboxQueue>();
    }

    /// <summary>The sender runs as a hosted service (added last, so it stops first and its sends under way finish).</summary>
    public static IServiceCollection AddOutboxSender(this IServiceCollection services) =>
        services.AddHostedService(sp => sp.GetRequiredService<OutboxQueue>());
}
