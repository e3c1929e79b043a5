using GroupBot.Hosting;
using Microsoft.Extensions.Hosting;

namespace GroupBot.Storage;

/// <summary>Stops the bot, with one clear line already logged and exit code 4, when the database file cannot be written.</summary>
public sealed class StorageWatch(Database db, IHostApplicationLifetime lifetime, RunOutcome outcome) : IHostedService
{
    public const int ExitCode = 4;

    public Task StartAsync(CancellationToken ct)
    {
        db.Failed += OnFailed;
        return Task.CompletedTask;
    }

    private void OnFailed(string message)
    {
        outcome.ExitCode = ExitCode;
        lifetime.StopApplication();
    }

    public Task StopAsync(CancellationToken ct)
    {
        db.Failed -= OnFailed;
        return Task.CompletedTask;
    }
}
