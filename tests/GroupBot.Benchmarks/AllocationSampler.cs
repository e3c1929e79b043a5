using System.Diagnostics.Tracing;

namespace GroupBot.Benchmarks;

/// <summary>
/// Where the bot's allocations go, by type: the runtime's allocation sampling (one event per ~100 KB allocated, naming
/// the type of the object that crossed the mark). On with GROUPBOT_ALLOC_SAMPLES=1 in the bot's process; the top types
/// are written to standard error at every `stats` (what was sampled since the last) and at the stop. A guide for what to look at, not a measurement of its own.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _bytes = [];

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
        // Events come from any allocating thread while Report reads: one lock for both.
        lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
    }

    public void Report(TextWriter to, int top = 40)
    {
        KeyValuePair<string, long>[] taken;
        lock (_bytes)
        {
            taken = [.. _bytes];
            _bytes.Clear();
        }
        var total = Math.Max(1, taken.Sum(p => p.Value));
        to.WriteLine($"allocation samples: {total / 1024 / 1024} MB sampled");
        foreach (var (type, bytes) in taken.OrderByDescending(p => p.Value).Take(top))
            to.WriteLine($"  {100.0 * bytes / total,5:0.0}%  {type}");
    }
}
