using GroupBot.Chat;
using GroupBot.Chat.Local;
using GroupBot.Chat.Telegram;
using GroupBot.Pipeline;
using GroupBot.Commands;
using GroupBot.Templates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Hosting;

/// <summary>How the run ended, for the process exit code.</summary>
public sealed class RunOutcome
{
    public int ExitCode { get; set; }
}

/// <summary>Connects the adapter and feeds its events through the per-chat queues to the processor.</summary>
public sealed class BotService(
    IChatAdapter adapter, ChatQueues queues, EventProcessor processor, Outbox.OutboxQueue outbox, CommandRegistry registry, TemplateStore templates,
    IOptions<BotOptions> options, IHostApplicationLifetime lifetime, RunOutcome outcome, ILogger<BotService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        try
        {
            await adapter.ConnectAsync(ct);
            await SetMenus(ct);
            await adapter.RunAsync(async evt =>
            {
                await queues.Enqueue(evt.ChatId, () => processor.Process(evt, ct));
                if (adapter.WaitsForReplies) await outbox.WhenIdle(evt.ChatId);
            }, ct);
            await queues.Drain();
            if (adapter.WaitsForReplies) await outbox.WhenIdle(LocalChatAdapter.DemoChatId);
            // Only the local chat's input ends by itself (end of a script or Ctrl+D): that ends the run.
            if (!ct.IsCancellationRequested) lifetime.StopApplication();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (BotTokenRejectedException ex)
        {
            log.LogCritical("{Reason}", ex.Message);
            outcome.ExitCode = 3;
            lifetime.StopApplication();
        }
        catch (Exception ex)
        {
            log.LogCritical(ex, "The bot stopped on an unexpected error");
            outcome.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private async Task SetMenus(CancellationToken ct)
    {
        try
        {
            // One menu per scope (members in groups, group admins, private chats) and language, from the registry.
            foreach (var scope in Enum.GetValues<MenuScope>())
            {
                await adapter.SetCommandMenuAsync(HelpCommand.Menu(registry, templates, options.Value.Language, scope), scope, null, ct);
                foreach (var lang in OptionsChecks.Languages.Where(l => l != options.Value.Language))
                    await adapter.SetCommandMenuAsync(HelpCommand.Menu(registry, templates, lang, scope), scope, lang[..2], ct);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning("Could not set the command menu: {Error}", ex.Message);
        }
    }
}
