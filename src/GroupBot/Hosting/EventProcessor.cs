using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Community;
using GroupBot.Games;
using GroupBot.Storage;
using Microsoft.Extensions.Logging;

namespace GroupBot.Hosting;

/// <summary>
/// Handles one event: keeps the chat registered, routes commands, performs the resulting actions.
/// All failures end here, logged; the bot never stops on an input.
/// </summary>
public sealed class EventProcessor(
    IChatAdapter adapter, CommandRouter router, Groups groups, Roles roles, Database db, Outbox.OutboxQueue outbox,
    GameCommands games, GameStore gameStore, Deadlines deadlines, Members members, Activity activity, Welcomes welcomes,
    ILogger<EventProcessor> log)
{
    public async Task Process(ChatEvent evt, CancellationToken ct)
    {
        evt = CleanText.Of(evt);
        var answered = false;
        try
        {
            var actions = await Route(evt, ct);
            answered = actions.Any(a => a is AnswerButton);
            outbox.Enqueue(actions);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Failed to handle {EventType} in chat {ChatId}", evt.GetType().Name, evt.ChatId);
        }
        // Telegram shows a spinner on the button until the press is answered, so every press gets an answer.
        if (evt is ButtonPressed press && !answered)
            outbox.Enqueue([new AnswerButton(press.ChatId, press.CallbackId)]);
    }

    private async Task<IReadOnlyList<ChatAction>> Route(ChatEvent evt, CancellationToken ct)
    {
        if (evt.Chat.Kind == ChatKind.Channel) return [];
        if (evt.Chat.Kind != ChatKind.Private && !groups.Allows(evt.ChatId) && evt is not (ChatMigrated or BotRemoved))
        {
            // Not a group of this brand: leave once, and do nothing for it meanwhile.
            if (evt is not BotAdded && groups.Find(evt.ChatId) is { Active: false }) return [];
            groups.Ensure(evt.Chat);
            groups.Deactivate(evt.ChatId);
            log.LogWarning("Leaving chat {ChatId} {Title}: not on the allow-list in config/groups.json", evt.ChatId, evt.Chat.Title);
            return [new LeaveChat(evt.ChatId)];
        }
        switch (evt)
        {
            case ChatMigrated migrated:
                groups.Forget(migrated.ChatId);
                groups.Forget(migrated.NewChatId);
                roles.Forget(migrated.ChatId);
                groups.RemoveRegistration(migrated.NewChatId);
                var moved = db.MigrateChat(migrated.ChatId, migrated.NewChatId);
                groups.Migrated(migrated.ChatId, migrated.NewChatId);
                welcomes.Migrated(migrated.ChatId, migrated.NewChatId);
                // Timers carry the chat id they were set with: set them again under the new id.
                foreach (var game in gameStore.Live(migrated.NewChatId)) deadlines.Set(game);
                log.LogInformation("Chat {OldChatId} migrated to {NewChatId}: {Documents} documents moved", migrated.ChatId, migrated.NewChatId, moved);
                return [];
            case BotRemoved:
                groups.Deactivate(evt.ChatId);
                log.LogInformation("Removed from chat {ChatId}", evt.ChatId);
                return [];
            case BotAdded:
                groups.Ensure(evt.Chat);
                log.LogInformation("Added to chat {ChatId} {Title}", evt.ChatId, evt.Chat.Title);
                return [];
            case MessageReceived message when !message.From.IsBot:
                var group = groups.Ensure(evt.Chat);
                members.Seen(message.From);
                if (message.Chat.Kind != ChatKind.Private) activity.Message(message.ChatId, message.From.Id, groups.TimeZoneOf(group));
                var answer = await router.Handle(message, adapter.BotUsername, group, ct);
                return answer.Count > 0 || CommandLine.Parse(message.Text) is not null ? answer : games.Replied(message, group);
            case ButtonPressed press when press.Data.StartsWith("g:", StringComparison.Ordinal):
                groups.Ensure(evt.Chat);
                return games.Press(press);
            case MembersJoined joined:
                groups.Ensure(evt.Chat);
                return welcomes.Joined(joined);
            case MemberLeft:
                activity.Left(evt.ChatId, groups.TimeZoneOf(groups.Ensure(evt.Chat)));
                return [];
            case WelcomeDue welcome:
                return welcomes.Flush(welcome);
            case DeadlineDue due:
                return games.Deadline(due);
            case GameRefreshDue refresh:
                return games.Refresh(refresh);
            default:
                return [];
        }
    }
}
