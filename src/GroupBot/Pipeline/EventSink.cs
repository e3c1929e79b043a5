using GroupBot.Chat;
using Microsoft.Extensions.Hosting;

namespace GroupBot.Pipeline;

/// <summary>
/// Where timers and schedules hand in their events (a deadline, a coalesced edit, a welcome, a scheduled post): each
/// runs through its chat's queue as one unit of work, exactly like a chat update, so it can never race one. The
/// processor attaches itself when it is built; events posted before that wait for it. While the bot stops nothing new
/// is taken: what a timer would have done is in the store and is done again at the next start.
/// </summary>
public sealed class EventSink(ChatQueues queues, IHostApplicationLifetime lifetime)
{
    private readonly Lock _lock = new();
    private readonly List<ChatEvent> _early = [];
    private Func<ChatEvent, CancellationToken, Task>? _handler;

    public void Post(ChatEvent evt)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return;
        Func<ChatEvent, CancellationToken, Task> handler;
        lock (_lock)
        {
            if (_handler is null)
            {
                _early.Add(evt);
                return;
            }
            handler = _handler;
        }
        // The event gets a context of its own: posted from inside another event (or a timer set there), it would
        // otherwise run with that event's unit of work ambient and nest in it.
        using (ExecutionContext.SuppressFlow()) _ = queues.Enqueue(evt.ChatId, () => handler(evt, lifetime.ApplicationStopping));
    }

    internal void Attach(Func<ChatEvent, CancellationToken, Task> handler)
    {
        List<ChatEvent> early;
        lock (_lock)
        {
            _handler = handler;
            early = [.. _early];
            _early.Clear();
        }
        foreach (var evt in early) Post(evt);
    }
}
