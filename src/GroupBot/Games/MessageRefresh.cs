using System.Collections.Concurrent;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Pipeline;
using Microsoft.Extensions.Hosting;

namespace GroupBot.Games;

/// <summary>
/// Keeps game-message edits within Telegram's limits: at most one edit per game every <see cref="MinGap"/>.
/// A burst of joins becomes one edit, sent when the gap has passed (through the chat's queue, so it shows the
/// state at that moment). Phase changes are edited at once. A waiting edit lives only in memory, so at start every
/// live game's message gets one refresh: an edit coalesced just before a stop or crash is not lost (when the message
/// was already up to date Telegram answers "not modified", which the adapter takes as done).
/// </summary>
public sealed class MessageRefresh(TimeProvider time, EventSink sink, Groups groups, GameStore games) : IHostedService, IDisposable
{
    public static readonly TimeSpan MinGap = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<int, Slot> _slots = new();

    public Task StartAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // A game already past its deadline is settled at start, and that edits its message anyway.
        foreach (var game in games.AllLive().Where(g => g.DeadlineUtc > now))
        {
            var slot = _slots.GetOrAdd(game.Id, _ => new Slot());
            var (chatId, gameId) = (game.ChatId, game.Id);
            lock (slot) slot.Pending ??= time.CreateDetachedTimer(_ => Due(chatId, gameId), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>True when an edit may go out now (and counts it); false when one is scheduled for later instead.</summary>
    public bool TryEditNow(Game game, bool force)
    {
        var slot = _slots.GetOrAdd(game.Id, _ => new Slot());
        var now = time.GetUtcNow();
        lock (slot)
        {
            if (force || (slot.Pending is null && now - slot.LastEdit >= MinGap))
            {
                slot.Pending?.Dispose();
                slot.Pending = null;
                slot.LastEdit = now;
                return true;
            }
            if (slot.Pending is null)
            {
                var (chatId, gameId) = (game.ChatId, game.Id);
                slot.Pending = time.CreateDetachedTimer(_ => Due(chatId, gameId), null, slot.LastEdit + MinGap - now, Timeout.InfiniteTimeSpan);
            }
            return false;
        }
    }

    /// <summary>Called when the scheduled edit is made.</summary>
    public void Edited(int gameId)
    {
        if (!_slots.TryGetValue(gameId, out var slot)) return;
        lock (slot)
        {
            slot.Pending?.Dispose();
            slot.Pending = null;
            slot.LastEdit = time.GetUtcNow();
        }
    }

    private void Due(long chatId, int gameId) => sink.Post(new GameRefreshDue(groups.InfoOf(chatId), gameId));

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
            lock (slot) slot.Pending?.Dispose();
    }

    private sealed class Slot
    {
        public DateTimeOffset LastEdit { get; set; } = DateTimeOffset.MinValue;
        public ITimer? Pending { get; set; }
    }
}
