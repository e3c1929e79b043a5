using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Community;
using GroupBot.Games;
using GroupBot.Storage;
using Microsoft.Extensions.Logging;

namespace GroupBot.Pipeline;

/// <summary>
/// Handles one event as one unit of work: keeps the chat registered, routes commands, and writes the resulting actions
/// to the outbox; the event's every write (its inbox record, member, activity, game, ledger, points, outbox items)
/// commits together or not at all, and nothing reaches Telegram before it has. A chat's next event runs once this one
/// is durable. All failures end here, logged; the bot never stops on an input.
/// </summary>
public sealed class EventProcessor
{
    private readonly IChatAdapter _adapter;
    private readonly CommandRouter _router;
    private readonly Groups _groups;
    private readonly Roles _roles;
    private readonly Database _db;
    private readonly Outbox.OutboxQueue _outbox;
    private readonly GameCommands _games;
    private readonly GameStore _gameStore;
    private readonly Deadlines _deadlines;
    private readonly Members _members;
    private readonly Activity _activity;
    private readonly Welcomes _welcomes;
    private readonly ILogger<EventProcessor> _log;
    private readonly Posting.PostScheduler _scheduler;
    private readonly Games.Jigsaw.JigsawFlow _jigsaw;
    private readonly GroupBot.Private.GroupViews _views;

    public EventProcessor(IChatAdapter adapter, CommandRouter router, Groups groups, Roles roles, Database db, Outbox.OutboxQueue outbox,
        GameCommands games, GameStore gameStore, Deadlines deadlines, Members members, Activity activity, Welcomes welcomes, EventSink sink,
        Posting.PostScheduler scheduler, ILogger<EventProcessor> log, Games.Jigsaw.JigsawFlow jigsaw, GroupBot.Private.GroupViews views,
        Operations.BotMetrics? metrics = null, JoinRequests? joinRequests = null)
    {
        _metrics = metrics;
        _joinRequests = joinRequests;
        _scheduler = scheduler;
        _jigsaw = jigsaw;
        _views = views;
        (_adapter, _router, _groups, _roles, _db, _outbox, _games, _gameStore, _deadlines, _members, _activity, _welcomes, _log) =
            (adapter, router, groups, roles, db, outbox, games, gameStore, deadlines, members, activity, welcomes, log);
        // Timers hand their events to the sink; they run here, through the same queues and units.
        sink.Attach(Process);
        outbox.ChatGone += OnChatGone;
    }

    private readonly Operations.BotMetrics? _metrics;
    private readonly JoinRequests? _joinRequests;

    public async Task Process(ChatEvent evt, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await ProcessOne(evt, ct);
        }
        finally
        {
            _metrics?.Handled(evt.GetType().Name, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task ProcessOne(ChatEvent evt, CancellationToken ct)
    {
        evt = CleanText.Of(evt);
        var unit = _db.Begin();
        try
        {
            var actions = await Route(evt, ct);
            evt.Handled?.Invoke();
            // Telegram shows a spinner on the button until the press is answered, so every press gets an answer.
            if (evt is ButtonPressed press && !actions.Any(a => a is AnswerButton)) actions = [.. actions, new AnswerButton(press.ChatId, press.CallbackId)];
            _outbox.Enqueue(actions, byUser: evt switch { MessageReceived m => m.From.Id, ButtonPressed b => b.From.Id, _ => null });
            await unit.CommitAsync();
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Failed to handle {EventType} in chat {ChatId}", evt.GetType().Name, evt.ChatId);
        }
        finally
        {
            // Rolls back a unit that did not commit (a no-op after a commit), before anything below begins its own.
            unit.Dispose();
        }
        // Nothing of the failed event was kept; it is done with all the same (a poison update is not handled again at
        // every start), and a press still gets its answer.
        using var after = _db.Begin();
        evt.Handled?.Invoke();
        if (evt is ButtonPressed pressed) _outbox.Enqueue([new AnswerButton(pressed.ChatId, pressed.CallbackId)]);
        await after.CommitAsync();
    }

    /// <summary>
    /// Telegram says a chat is gone (the bot was kicked, or the chat no longer exists): it is marked inactive, so schedules
    /// skip it until the bot is added again (or a message comes from it). Logged once, when it goes inactive.
    /// </summary>
    private void OnChatGone(long chatId, string error)
    {
        if (_groups.Find(chatId) is not { Active: true }) return;
        _groups.Deactivate(chatId);
        _log.LogWarning("Chat {ChatId} is gone ({Error}): marked inactive; schedules skip it until the bot is added again", chatId, error);
    }

    private async Task<IReadOnlyList<ChatAction>> Route(ChatEvent evt, CancellationToken ct)
    {
        if (evt.Chat.Kind == ChatKind.Channel) return [];
        if (evt.Chat.Kind != ChatKind.Private && !_groups.Allows(evt.ChatId) && evt is not (ChatMigrated or BotRemoved))
        {
            // Not a group of this brand: leave once, and do nothing for it meanwhile.
            if (evt is not BotAdded && _groups.Find(evt.ChatId) is { Active: false }) return [];
            _groups.Ensure(evt.Chat);
            _groups.Deactivate(evt.ChatId);
            _log.LogWarning("Leaving chat {ChatId} {Title}: not on the allow-list in config/_groups.json", evt.ChatId, evt.Chat.Title);
            return [new LeaveChat(evt.ChatId)];
        }
        switch (evt)
        {
            case ChatMigrated migrated:
                _roles.Forget(migrated.ChatId);
                _groups.RemoveRegistration(migrated.NewChatId);
                _db.MigrateChat(migrated.ChatId, migrated.NewChatId);
                _groups.Migrated(migrated.ChatId, migrated.NewChatId);
                // Timers carry the chat id they were set with: set them again under the new id once the move is durable.
                Unit.Current!.AfterCommit(() =>
                {
                    _welcomes.Migrated(migrated.ChatId, migrated.NewChatId);
                    foreach (var game in _gameStore.Live(migrated.NewChatId)) _deadlines.Set(game);
                });
                _log.LogInformation("Chat {OldChatId} migrated to {NewChatId}", migrated.ChatId, migrated.NewChatId);
                return [];
            case BotRemoved:
                _groups.Deactivate(evt.ChatId);
                _log.LogInformation("Removed from chat {ChatId}", evt.ChatId);
                return [];
            case AdminsChanged changed:
                _roles.Forget(changed.ChatId);
                _log.LogInformation("Admins of chat {ChatId} changed ({UserId}): asking Telegram again on the next admin command", changed.ChatId, changed.UserId);
                return [];
            case BotAdded:
                _groups.Ensure(evt.Chat);
                _log.LogInformation("Added to chat {ChatId} {Title}", evt.ChatId, evt.Chat.Title);
                return [];
            case MessageReceived message when !message.From.IsBot:
                var group = _groups.Ensure(evt.Chat);
                _members.Seen(message.From);
                if (message.Chat.Kind != ChatKind.Private) _activity.Message(message.ChatId, message.From.Id, _groups.TimeZoneOf(group));
                var answer = await _router.Handle(message, _adapter.BotUsername, group, ct);
                return _games.WithoutLeaks(message, answer.Count > 0 || CommandLine.Parse(message.Text) is not null ? answer : _games.Replied(message, group));
            case ButtonPressed press when press.Data.StartsWith("g:", StringComparison.Ordinal):
                _groups.Ensure(evt.Chat);
                return _games.Press(press);
            case ButtonPressed press when press.Data.StartsWith("pv:", StringComparison.Ordinal):
                return await _views.Press(press, ct);
            case JoinRequested request:
                _groups.Ensure(evt.Chat);
                return _joinRequests?.Requested(request) ?? [];
            case MembersJoined joined:
                _groups.Ensure(evt.Chat);
                return _welcomes.Joined(_joinRequests?.WithLink(joined) ?? joined);
            case MemberLeft:
                _activity.Left(evt.ChatId, _groups.TimeZoneOf(_groups.Ensure(evt.Chat)));
                return [];
            case ScheduleDue schedule:
                await _scheduler.Due(schedule);
                return [];
            case WelcomeDue welcome:
                return _welcomes.Flush(welcome);
            case DeadlineDue due:
                return _games.Deadline(due);
            case GameRefreshDue refresh:
                return _games.Refresh(refresh);
            case Games.Jigsaw.JigsawClaimDue claim:
                return _jigsaw.Decide(claim);
            default:
                return [];
        }
    }
}
