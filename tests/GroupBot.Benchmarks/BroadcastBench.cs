using System.Diagnostics;
using System.Text;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Outbox;
using GroupBot.Posting;
using GroupBot.Storage;
using GroupBot.Templates;
using Microsoft.Extensions.Hosting;

namespace GroupBot.Benchmarks;

/// <summary>
/// `broadcast`: one post per group through the real OutboxQueue against a peer that enforces Telegram's limits.
/// Measures the send rate against the 30/s limit, the 429s, and that every group got its post exactly once.
/// </summary>
public static class BroadcastBench
{
    public static async Task<int> RunAsync(Options o)
    {
        var groupCount = o.Int("groups", 1000, 1, 100_000);
        var faulty = o.Flag("faults");
        var faults = faulty
            ? new PeerFaults(o.Number("fault-5xx", 0.03), o.Number("fault-timeouts", 0.005), o.Number("fault-drops", 0.02))
            : new PeerFaults();
        // A timeout fault must outlast the client's wait; Telegram.Bot's own default (100 s) would stall a short run.
        var clientTimeoutSeconds = o.Number("client-timeout", faulty ? 5 : 0);
        var maxSeconds = o.Int("max-seconds", (int)(groupCount / 30.0 * (faulty ? 2.5 : 1.5)) + (faulty ? 180 : 60));
        var latency = TimeSpan.FromMilliseconds(o.Int("latency-ms", 0, 0, 5000));
        var keep = o.Flag("keep");
        o.CheckAllUsed();
        TimeSpan? clientTimeout = clientTimeoutSeconds > 0 ? TimeSpan.FromSeconds(clientTimeoutSeconds) : null;
        if (faulty) faults = faults with { Hold = (clientTimeout ?? TimeSpan.FromSeconds(100)) + TimeSpan.FromSeconds(2) };

        var dir = BenchHost.PrepareFolder("broadcast");
        await using var peer = await LoadPeer.StartAsync(BenchHost.Token, new PeerLimits());
        peer.SeedFaults(groupCount);
        var host = await BenchHost.StartAsync(dir, peer, new Dictionary<string, string?>(), clientTimeout);
        var result = new StringBuilder();
        var exit = 1;
        try
        {
            // 1. Register the groups the way Telegram does: the bot is added to each (my_chat_member updates).
            var chatIds = Enumerable.Range(1, groupCount).Select(i => -1_001_000_000_000L - i).ToList();
            var regStart = Stopwatch.GetTimestamp();
            foreach (var id in chatIds) peer.EnqueueBotAdded(id, $"分销{-id - 1_001_000_000_000L}群");
            var groups = host.Get<Groups>();
            var stopping = host.Get<IHostApplicationLifetime>().ApplicationStopping;
            var registered = 0;
            var regDeadline = Stopwatch.StartNew();
            while (regDeadline.Elapsed < TimeSpan.FromSeconds(60 + groupCount / 50.0) && !stopping.IsCancellationRequested)
            {
                registered = groups.Active().Count(g => g.ChatId <= -1_001_000_000_001L && g.ChatId >= -1_001_000_000_000L - groupCount);
                if (registered == groupCount) break;
                await Task.Delay(250);
            }
            var regSeconds = Measure.Seconds(regStart, Stopwatch.GetTimestamp());
            if (registered != groupCount)
            {
                Console.WriteLine($"broadcast: only {registered} of {groupCount} groups registered after {regSeconds:0} s; stopping");
                return 1;
            }

            // 2. One post per group, rendered from the real template, queued with a key per group as PostScheduler does.
            var post = PostRenderer.TryRender(host.Get<TemplateStore>(), "daily_product", host.Get<Catalog>().Products.FirstOrDefault(), "分销群",
                new Dictionary<string, string>(), "zh-CN", TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), DateTimeOffset.UtcNow);
            if (post.Error is not null) throw new InvalidOperationException("daily_product: " + post.Error);
            var runId = Guid.NewGuid().ToString("N")[..8];
            var actions = chatIds.Select((id, i) => (ChatAction)new SendText(id, $"{post.Text}\n#{i + 1}", Html: true)).ToList();
            var outbox = host.Get<OutboxQueue>();
            peer.ResetStats();
            peer.Faults = faults;
            peer.Latency = latency;
            var start = Stopwatch.GetTimestamp();
            var queued = outbox.Enqueue(actions, a => $"bench:{runId}:{a.ChatId}");
            var enqueueMs = Measure.Ms(start, Stopwatch.GetTimestamp());
            var requeued = outbox.Enqueue(actions, a => $"bench:{runId}:{a.ChatId}");

            // 3. Wait (bounded) until the outbox has nothing left.
            var lastReport = Stopwatch.StartNew();
            var runTime = Stopwatch.StartNew();
            while (outbox.PendingCount > 0 && runTime.Elapsed < TimeSpan.FromSeconds(maxSeconds) && !stopping.IsCancellationRequested)
            {
                await Task.Delay(100);
                if (lastReport.Elapsed > TimeSpan.FromSeconds(5))
                {
                    lastReport.Restart();
                    Console.Error.WriteLine($"  {runTime.Elapsed.TotalSeconds,5:0} s: {peer.AcceptedCount} accepted, {outbox.PendingCount} pending, {peer.RateLimited} × 429");
                }
            }
            var done = Stopwatch.GetTimestamp();
            var pending = outbox.PendingCount;
            peer.Faults = new PeerFaults();

            // 4. Count, per group, what the peer accepted.
            var accepted = peer.Accepted().Where(m => m.Method == "sendmessage").ToList();
            var byChat = accepted.GroupBy(m => m.ChatId).ToDictionary(g => g.Key, g => g.ToList());
            var lost = chatIds.Count(id => !byChat.ContainsKey(id));
            var duplicates = byChat.Values.Sum(l => l.Count - 1);
            var afterTimeout = byChat.Values.Sum(l => Math.Min(l.Count - 1, l.Count(m => m.AnswerHeld)));
            var number = chatIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i + 1);
            var wrongText = accepted.Count(m => !number.TryGetValue(m.ChatId, out var n) || !m.Text.EndsWith($"\n#{n}", StringComparison.Ordinal));
            var db = host.Get<Database>();
            var failedItems = db.Table<long, OutboxItem>("outbox", i => i.Id).All().Count(i => i.State == OutboxItem.Failed);

            var stamps = accepted.Select(m => m.At).Order().ToList();
            var seconds = stamps.Count > 0 ? Measure.Seconds(start, stamps[^1]) : double.NaN;
            double steady = double.NaN;
            if (stamps.Count >= 20)
            {
                int lo = stamps.Count / 10, hi = stamps.Count * 9 / 10;
                steady = (hi - lo) / Measure.Seconds(stamps[lo], stamps[hi]);
            }
            var peak = Measure.MaxInWindow(stamps, 1.0);
            var outbox429 = host.CountLogLines("GroupBot.Outbox.OutboxQueue: 429 for chat");
            var retried = host.CountLogLines("GroupBot.Outbox.OutboxQueue: Sending ");
            var gaveUp = host.CountLogLines("GroupBot.Outbox.OutboxQueue: Giving up");
            var refused = host.CountLogLines("refused:");
            var limits = host.Get<OutboxOptions>();

            var ok = !stopping.IsCancellationRequested && pending == 0 && lost == 0 && duplicates - afterTimeout == 0 && failedItems == 0 && wrongText == 0 && requeued == 0;
            exit = ok ? 0 : 1;
            result.AppendLine($"== GroupBot broadcast benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release) ==");
            result.AppendLine($"groups: {groupCount}; one daily_product post each ({Encoding.UTF8.GetByteCount(post.Text!)} bytes), keyed, one Enqueue call ({enqueueMs:0} ms; same keys again: {requeued} new)");
            result.AppendLine($"registration: {groupCount} my_chat_member updates through getUpdates handled in {regSeconds:0.0} s ({groupCount / regSeconds:0} updates/s)");
            result.AppendLine($"peer limits: {peer.Limits}");
            result.AppendLine($"bot outbox (config/appsettings.json): {limits.GlobalPerSecond}/s overall, {limits.ChatPerSecond}/s per chat (burst {limits.ChatBurst}), {limits.GroupPerMinute}/min per group, {limits.MaxAttempts} attempts, {limits.MaxInFlight} requests in flight");
            result.AppendLine($"round trip to the peer: {(latency > TimeSpan.Zero ? $"{latency.TotalMilliseconds:0} ms ±25 %" : "loopback (no added latency)")}");
            result.AppendLine(faulty
                ? $"faults: {faults}; Telegram.Bot timeout {(clientTimeout is { } ct ? $"{ct.TotalSeconds:0} s (set for this run)" : "library default")}"
                : "faults: none");
            result.AppendLine($"sent: {accepted.Count} messages accepted in {seconds:0.0} s (enqueue → last accepted); {(pending == 0 ? "outbox empty" : $"{pending} STILL PENDING at the {maxSeconds} s bound")} after {Measure.Seconds(start, done):0.0} s");
            result.AppendLine($"rate: steady state (10%–90% of messages) {steady:0.0} msg/s = {steady / 30:P0} of Telegram's 30/s ({steady / limits.GlobalPerSecond:P0} of the outbox's {limits.GlobalPerSecond}/s); busiest 1 s window {peak} messages");
            result.AppendLine($"429s: {peer.RateLimited} answered by the peer; {outbox429} reached the outbox, which paused only that chat for retry_after");
            if (faulty)
                result.AppendLine($"faults injected: {peer.ServerErrorsInjected} × 5xx, {peer.TimeoutsInjected} × timeout, {peer.DropsInjected} × dropped; outbox retries logged {retried}, given up {gaveUp}, refused {refused}");
            result.AppendLine($"delivery: lost {lost}, duplicated {duplicates} (after a timeout, i.e. delivered but unanswered: {afterTimeout}; unexplained: {duplicates - afterTimeout}); wrong text {wrongText}; outbox items failed {failedItems}");
            if (stopping.IsCancellationRequested) result.AppendLine($"THE BOT STOPPED during the run: see {host.LogFolder} (--keep)");
            result.AppendLine($"verdict: {(ok ? "PASS" : "FAIL")} (criteria: every group got its post exactly once, apart from timeout duplicates; nothing given up)");
        }
        finally
        {
            await host.DisposeAsync();
            if (!keep) TryDelete(dir);
        }
        Console.Write(result.ToString());
        if (keep) Console.WriteLine($"(kept {dir})");
        return exit;
    }

    public static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
