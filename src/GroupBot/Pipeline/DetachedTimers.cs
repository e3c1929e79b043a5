namespace GroupBot.Pipeline;

public static class DetachedTimers
{
    /// <summary>
    /// A timer whose callback runs outside the context that set it. Timers are often set during an event, and a timer
    /// captures the execution context: its callback would run with that event's unit of work still ambient, reading (and
    /// writing) the unit's private state from another thread while the event goes on.
    /// </summary>
    public static ITimer CreateDetachedTimer(this TimeProvider time, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        using (ExecutionContext.SuppressFlow()) return time.CreateTimer(callback, state, dueTime, period);
    }
}
