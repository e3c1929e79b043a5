using GroupBot.Chat.Telegram;
using GroupBot.Commands;
using GroupBot.Games;
using GroupBot.Hosting;
using GroupBot.Outbox;
using GroupBot.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace GroupBot.Operations;

public static class OperationsSetup
{
    public const string HealthPath = "/healthz";
    public const string MetricsPath = "/metrics";

    /// <summary>Metrics (/metrics, Prometheus), health (/healthz), operator alerts and /status.</summary>
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddOptions<OperationsOptions>().BindConfiguration(OperationsOptions.Section)
            .Check("Operations:AlertEveryMinutes", o => o.AlertEveryMinutes, o => o.AlertEveryMinutes is >= 1 and <= 24 * 60, "minutes from 1 to 1440")
            .Check("Operations:MaxAlertsPerHour", o => o.MaxAlertsPerHour, o => o.MaxAlertsPerHour is >= 1 and <= 1000, "alerts from 1 to 1000")
            .Check("Operations:BacklogAlert", o => o.BacklogAlert, o => o.BacklogAlert >= 1, "a number of messages, at least 1")
            .Check("Operations:FailureRateAlert", o => o.FailureRateAlert, o => o.FailureRateAlert is > 0 and <= 1, "a share of sends above 0 and at most 1, such as 0.2")
            .Check("Operations:BroadcastSummaryMinutes", o => o.BroadcastSummaryMinutes, o => o.BroadcastSummaryMinutes is >= 1 and <= 24 * 60, "minutes from 1 to 1440")
            .ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<BotMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(BotMetrics.MeterName, "System.Runtime")
            .AddPrometheusExporter());
        services.AddHealthChecks()
            .AddCheck<DatabaseWritableCheck>("database")
            .AddCheck<TelegramContactCheck>("telegram")
            .AddCheck<OutboxBacklogCheck>("outbox");
        services.AddWebRoutes("health+metrics", (endpoints, sp) =>
        {
            var health = sp.GetRequiredService<HealthCheckService>();
            endpoints.MapGet(HealthPath, http => HealthEndpoint.Handle(http, health));
            endpoints.MapPrometheusScrapingEndpoint(MetricsPath, sp.GetRequiredService<MeterProvider>(), null, null);
        });
        services.AddSingleton<StatusCommand>();
        services.AddCommands(sp => [sp.GetRequiredService<StatusCommand>().Spec]);
        services.AddSingleton<OperatorAlerts>();
        services.AddHostedService(sp => sp.GetRequiredService<OperatorAlerts>());
        services.AddHostedService<Gauges>();
        return services;
    }

    /// <summary>The gauges read at each scrape: they need services that themselves record metrics, so they are added once all exist.</summary>
    private sealed class Gauges(BotMetrics metrics, OutboxQueue outbox, GameStore games, IServiceProvider sp) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            metrics.Observe("groupbot.outbox.depth", "{message}", "Messages waiting to be sent", () => outbox.PendingCount);
            metrics.Observe("groupbot.games.open", "{game}", "Games open (not settled or cancelled)", () => games.AllLive().Count);
            if (sp.GetService<UpdateInbox>() is { } inbox)
                metrics.Observe("groupbot.inbox.waiting", "{update}", "Telegram updates stored and not yet handled", () => inbox.Waiting);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
