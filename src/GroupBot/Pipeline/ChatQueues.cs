namespace GroupBot.Pipeline;

/// <summary>
/// One chat's events run one at a time in arrival order; different chats run in parallel.
/// Each chat keeps only the tail of its chain, dropped once it completes.
/// </summary>
public sealed class ChatQueues
{
    private readonly Dictionary<long, Task> _tails = [];
    private readonly Lock _lock = new();

    /// <summary>Queues work for a chat; the task completes when that work has run. Work must not throw.</summary>
    /// <param name="hereIfIdle">
    /// when the chat has nothing under way, start the work on this thread (up to its first wait) rather than handing it to
    /// another: an update's hand-off cost more than most of its handling. Only for callers whose context is no event's own
    /// (the adapter's dispatch); a timer posting from inside an event must not run in that event's context.
    /// </param>
    public Task Enqueue(long chatId, Func<Task> work, bool hereIfIdle = false)
    {
        // Completes synchronously: the chat's next event continues from here and then yields (see Run).
        var done = new TaskCompletionSource();
        Task? previous;
        lock (_lock)
        {
            previous = _tails.GetValueOrDefault(chatId);
            _tails[chatId] = done.Task;
        }
        _ = Run(chatId, previous, hereIfIdle, work, done);
        return done.Task;
    }

    /// <summary>Completes when everything queued so far has run.</summary>
    public Task Drain()
    {
        lock (_lock) return Task.WhenAll(_tails.Values.ToList());
    }

    private async Task Run(long chatId, Task? previous, bool hereIfIdle, Func<Task> work, TaskCompletionSource done)
    {
        var idle = previous is null || previous.IsCompleted;
        if (!idle) await previous!.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Otherwise the caller (or the previous event, whose end ran this) goes on, and the work runs on a pool thread.
        if (!(hereIfIdle && idle)) await Task.Yield();
        try
        {
            await work();
        }
        catch (OperationCanceledException ex)
        {
            Finish(chatId, done);
            done.SetCanceled(ex.CancellationToken);
            return;
        }
        catch (Exception ex)
        {
            Finish(chatId, done);
            done.SetException(ex);
            return;
        }
        Finish(chatId, done);
        done.SetResult();
    }

    private void Finish(long chatId, TaskCompletionSource done)
    {
        lock (_lock)
        {
            if (_tails.TryGetValue(chatId, out var tail) && tail == done.Task) _tails.Remove(chatId);
        }
    }
}
