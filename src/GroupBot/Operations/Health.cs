using System.Text.Json;
using GroupBot.Chat;
using GroupBot.Chat.Telegram;
using GroupBot.Hosting;
using GroupBot.Outbox;
using GroupBot.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace GroupBot.Operations;

/// <summary>The database takes a write and makes it durable within a few seconds (a full disk or a dead journal does not).</summary>
public sealed class DatabaseWritableCheck(Database db, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var file = new FileInfo(db.FilePath);
        var data = new Dictionary<string, object> { ["path"] = db.FilePath, ["bytes"] = file.Exists ? file.Length : 0 };
        try
        {
            Task durable;
            using (var unit = db.Begin())
            {
                db.SetValue("health.probe", time.GetUtcNow().ToString("O"));
                durable = unit.CommitAsync();
            }
            await durable.WaitAsync(Limit, time, ct);
            return HealthCheckResult.Healthy("writable", data);
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"a write was not durable within {Limit.TotalSeconds:0} s", data: data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("not writable: " + ex.Message, data: data);
        }
    }
}

/// <summary>Telegram was heard from lately: the last getUpdates answered (polling), or the webhook set / last push.</summary>
public sealed class TelegramContactCheck(IChatAdapter adapter, IOptions<TelegramOptions> telegram, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (adapter is not TelegramAdapter t) return Task.FromResult(HealthCheckResult.Healthy("local chat"));
        if (t.LastContact is not { } last) return Task.FromResult(HealthCheckResult.Degraded("not connected to Telegram yet"));
        var age = time.GetUtcNow() - last;
        var data = new Dictionary<string, object> { ["mode"] = t.UsesWebhook ? "webhook" : "polling", ["last_contact_seconds"] = Math.Round(age.TotalSeconds, 1) };
        // A webhook hears nothing while nobody writes: only polling has a rhythm to miss.
        if (t.UsesWebhook) return Task.FromResult(HealthCheckResult.Healthy("webhook set", data));
        var poll = TimeSpan.FromSeconds(telegram.Value.PollTimeoutSeconds);
        var late = poll * 2 + TimeSpan.FromSeconds(telegram.Value.MaxBackoffSeconds) + TimeSpan.FromSeconds(10);
        return Task.FromResult(age > late * 3 ? HealthCheckResult.Unhealthy($"no answer from getUpdates for {age.TotalSeconds:0} s", data: data)
            : age > late ? HealthCheckResult.Degraded($"last getUpdates answer {age.TotalSeconds:0} s ago", data: data)
            : HealthCheckResult.Healthy("polling", data));
    }
}

/// <summary>The outbox is not piling up past Operations:BacklogAlert.</summary>
public sealed class OutboxBacklogCheck(OutboxQueue outbox, IOptionsMonitor<OperationsOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var pending = outbox.PendingCount;
        var limit = options.CurrentValue.BacklogAlert;
        var data = new Dictionary<string, object> { ["pending"] = pending, ["limit"] = limit };
        return Task.FromResult(pending > limit
            ? HealthCheckResult.Degraded($"{pending} messages waiting (more than {limit})", data: data)
            : HealthCheckResult.Healthy($"{pending} messages waiting", data));
    }
}

public static class HealthEndpoint
{
    /// <summary>
    /// GET /healthz: 200 when healthy or degraded (still serving), 503 when unhealthy, with every check as JSON. Mapped on
    /// the shared web server, so the checks run with the bot's own services.
    /// </summary>
    public static async Task Handle(HttpContext http, HealthCheckService health)
    {
        var report = await health.CheckHealthAsync(http.RequestAborted);
        http.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data,
                seconds = Math.Round(e.Value.Duration.TotalSeconds, 3),
            }),
        };
        await JsonSerializer.SerializeAsync(http.Response.Body, body, cancellationToken: http.RequestAborted);
    }
}
