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
    public Task Enqueue(long chatId, Func<Task> work)
    {
        lock (_lock)
        {
            var previous = _tails.GetValueOrDefault(chatId) ?? Task.CompletedTask;
            var next = RunAfter(previous, work);
            _tails[chatId] = next;
            // Run inline when the work ends (ExecuteSynchronously): a pool work item of its own per event cost more than this does.
            next.ContinueWith(_ =>
            {
                lock (_lock)
                {
                    if (_tails.TryGetValue(chatId, out var tail) && tail == next) _tails.Remove(chatId);
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return next;
        }
    }

    /// <summary>Completes when everything queued so far has run.</summary>
    public Task Drain()
    {
        lock (_lock) return Task.WhenAll(_tails.Values.ToList());
    }

    private static async Task RunAfter(Task previous, Func<Task> work)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.Yield();
        await work();
    }
}
