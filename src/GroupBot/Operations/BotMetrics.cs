using System.Diagnostics.Metrics;

namespace GroupBot.Operations;

/// <summary>
/// The bot's numbers, as System.Diagnostics.Metrics instruments (exported for Prometheus on /metrics) and as short
/// in-memory windows for /status and the operators' alerts (the last hour, by minute). Recording is a few interlocked
/// adds: it sits on every event's and every send's path.
/// </summary>
public sealed class BotMetrics : IDisposable
{
    public const string MeterName = "GroupBot";

    private readonly Meter _meter;
    private readonly Counter<long> _updates;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _failed;
    private readonly TimeProvider _time;

    public BotMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        Started = time.GetUtcNow();
        _meter = meters.Create(MeterName);
        _updates = _meter.CreateCounter<long>("groupbot.updates.handled", "{update}", "Events handled (updates, deadlines, schedule fires), by kind");
        _latency = _meter.CreateHistogram<double>("groupbot.handler.duration", "s", "Time to handle one event, its commit included",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _sent = _meter.CreateCounter<long>("groupbot.messages.sent", "{message}", "Actions Telegram accepted, by kind");
        _rateLimited = _meter.CreateCounter<long>("groupbot.telegram.rate_limited", "{response}", "429 Too Many Requests answers");
        _retries = _meter.CreateCounter<long>("groupbot.outbox.retries", "{retry}", "Sends tried again after a network or server error");
        _failed = _meter.CreateCounter<long>("groupbot.outbox.failed", "{message}", "Sends given up or refused for good, by kind");
    }

    /// <summary>When the bot started (for the uptime).</summary>
    public DateTimeOffset Started { get; }

    /// <summary>Gauges read when scraped: the outbox's depth, open games, updates waiting in the inbox.</summary>
    public void Observe(string name, string unit, string description, Func<long> value) =>
        _meter.CreateObservableGauge(name, value, unit, description);

    private readonly Window _handled = new();
    private readonly Window _sentWindow = new();
    private readonly Window _rateLimitedWindow = new();
    private readonly Window _failedWindow = new();

    public void Handled(string kind, TimeSpan took)
    {
        _updates.Add(1, new KeyValuePair<string, object?>("kind", kind));
        _latency.Record(took.TotalSeconds);
        _handled.Add(_time.GetUtcNow());
    }

    public void Sent(string kind)
    {
        _sent.Add(1, new KeyValuePair<string, object?>("kind", kind));
        _sentWindow.Add(_time.GetUtcNow());
    }

    public void RateLimited()
    {
        _rateLimited.Add(1);
        _rateLimitedWindow.Add(_time.GetUtcNow());
    }

    public void Retried() => _retries.Add(1);

    public void Failed(string kind)
    {
        _failed.Add(1, new KeyValuePair<string, object?>("kind", kind));
        _failedWindow.Add(_time.GetUtcNow());
    }

    /// <summary>Events handled a second, over the minute so far and the one before it.</summary>
    public double UpdatesPerSecond
    {
        get
        {
            var now = _time.GetUtcNow();
            var seconds = 60 + now.ToUnixTimeMilliseconds() % 60_000 / 1000.0;
            return _handled.Count(now, TimeSpan.FromMinutes(2)) / seconds;
        }
    }

    public long SentIn(TimeSpan span) => _sentWindow.Count(_time.GetUtcNow(), span);
    public long RateLimitedIn(TimeSpan span) => _rateLimitedWindow.Count(_time.GetUtcNow(), span);
    public long FailedIn(TimeSpan span) => _failedWindow.Count(_time.GetUtcNow(), span);

    public void Dispose() => _meter.Dispose();

    /// <summary>Counts per minute over the last hour, in a ring (a minute's slot is reset when it comes round again).</summary>
    private sealed class Window
    {
        private readonly long[] _counts = new long[60];
        private readonly long[] _minutes = new long[60];

        public void Add(DateTimeOffset now)
        {
            var minute = now.ToUnixTimeSeconds() / 60;
            var slot = (int)(minute % 60);
            lock (_counts)
            {
                if (_minutes[slot] != minute)
                {
                    _minutes[slot] = minute;
                    _counts[slot] = 0;
                }
                _counts[slot]++;
            }
        }

        /// <summary>Counts in the whole minutes that overlap the last <paramref name="span"/> (at most an hour).</summary>
        public long Count(DateTimeOffset now, TimeSpan span)
        {
            var minute = now.ToUnixTimeSeconds() / 60;
            var first = minute - Math.Max(0, (long)Math.Ceiling(span.TotalMinutes) - 1);
            long total = 0;
            lock (_counts)
            {
                for (var i = 0; i < 60; i++)
                    if (_minutes[i] >= first && _minutes[i] <= minute) total += _counts[i];
            }
            return total;
        }
    }
}
