using System.Collections.Concurrent;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GroupBot.Games;

/// <summary>
/// One timer per live game, from TimeProvider. A due deadline enters the chat's queue like any message, so a
/// deadline and a last-second /join can never race. At start every live game gets its timer back from the store;
/// one that fell due while the bot was down fires at once, marked late.
/// </summary>
public sealed class Deadlines(TimeProvider time, EventSink sink, GameStore games, Groups groups, ILogger<Deadlines> log) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<int, ITimer> _timers = new();

    public Task StartAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var game in games.AllLive()) Set(game, late: game.DeadlineUtc <= now);
        return Task.CompletedTask;
    }

    public void Set(Game game, bool late = false)
    {
        Clear(game.Id);
        var due = game.DeadlineUtc - time.GetUtcNow().UtcDateTime;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        var (chatId, gameId, dueUtc) = (game.ChatId, game.Id, game.DeadlineUtc);
        _timers[game.Id] = time.CreateDetachedTimer(_ => Fire(chatId, gameId, dueUtc, late), null, due, Timeout.InfiniteTimeSpan);
    }

    public void Clear(int gameId)
    {
        if (_timers.TryRemove(gameId, out var timer)) timer.Dispose();
    }

    private void Fire(long chatId, int gameId, DateTime dueUtc, bool late)
    {
        log.LogInformation("Deadline of game {GameId} in chat {ChatId} reached", gameId, chatId);
        sink.Post(new DeadlineDue(groups.InfoOf(chatId), gameId, dueUtc, late));
    }

    public Task StopAsync(CancellationToken ct)
    {
        foreach (var id in _timers.Keys) Clear(id);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var id in _timers.Keys) Clear(id);
    }
}
