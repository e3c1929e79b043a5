using System.Diagnostics;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace GroupBot.Benchmarks;

/// <summary>
/// The floor under the inbound benchmark: a bare Telegram.Bot loop that keeps nothing and answers every message with a
/// fixed text (every press with an empty answer), on the same load peer, pinned the same way. What it spends per update
/// is what Telegram.Bot, HttpClient and the kernel cost on this machine before the bot does any work of its own.
/// </summary>
public static class BareBench
{
    private const string Token = "4242:bare";
    private const long FirstChat = -1002000000000;

    // About as long as a FAQ answer, so the send carries what the bot's replies carry.
    private const string Answer = "现货订单付款后48小时内从品牌仓发出，预售和大促订单以商品页写的发货时间为准。默认发中通或韵达，需要顺丰请下单前联系客服补差价。"
        + "发出后一般江浙沪1–2天、其他地区3–5天到，新疆、西藏等偏远地区5–7天。";

    public static async Task<int> RunAsync(Options o)
    {
        var updates = o.Int("updates", 20000, 100, 1_000_000);
        var groups = o.Int("groups", 1000, 1, 100_000);
        var inFlight = o.Int("in-flight", 8, 1, 1000);
        var rate = o.Int("paced-rate", 1000, 1, 100_000);
        var pacedSeconds = o.Int("paced-seconds", 10, 1, 600);
        var botCpus = o.Text("bot-cpus", "0");
        o.CheckAllUsed();

        await using var peer = await LoadPeer.StartAsync(Token);
        using var child = Process.Start(BotProcess.ChildStart(["bare-child", peer.BaseUrl, inFlight.ToString()], botCpus))!;
        try
        {
            var next = 0;
            (long Chat, int Message) Next()
            {
                var chat = FirstChat - next % groups;
                var user = 1000 + next;
                next++;
                return (chat, peer.EnqueueMessage(chat, "群" + chat, user, "u" + user, "/faq 物流"));
            }

            // Warm-up: the JIT's final tiers, the connections opened.
            var warm = Enumerable.Range(0, Math.Min(updates, 5000)).Select(_ => Next()).ToList();
            if (!await WaitFor(peer, warm.Count)) throw new InvalidOperationException("the warm-up did not finish");

            peer.ResetStats();
            var cpu0 = Cpu(child);
            var burst = Enumerable.Range(0, updates).Select(_ => Next()).ToList();
            var clock = Stopwatch.StartNew();
            var done = await WaitFor(peer, burst.Count);
            var seconds = clock.Elapsed.TotalSeconds;
            var cpu1 = Cpu(child);
            var (answered, _, _) = Latencies(peer, burst);
            Console.WriteLine($"bare burst: {burst.Count} updates queued at once → {answered} replies in {seconds:0.0} s = {answered / seconds:0} updates/s"
                + (done ? "" : " (INCOMPLETE)"));
            Console.WriteLine($"  CPU of the bare bot: {cpu1 - cpu0:0} ms = {(cpu1 - cpu0) / burst.Count:0.000} ms per update ({inFlight} sends in flight at most)");

            peer.ResetStats();
            cpu0 = Cpu(child);
            var paced = new List<(long, int)>(rate * pacedSeconds);
            var feed = Stopwatch.StartNew();
            while (paced.Count < rate * pacedSeconds)
            {
                var due = Math.Min(rate * pacedSeconds, (int)(feed.Elapsed.TotalSeconds * rate));
                while (paced.Count < due) paced.Add(Next());
                await Task.Delay(2);
            }
            done = await WaitFor(peer, paced.Count);
            cpu1 = Cpu(child);
            var (n, p50, p99) = Latencies(peer, paced);
            Console.WriteLine($"bare paced {rate}/s for {pacedSeconds} s: {n} replies; latency served→reply p50 {p50:0.0} ms, p99 {p99:0.0} ms"
                + (done ? "" : " (INCOMPLETE)"));
            Console.WriteLine($"  CPU of the bare bot: {cpu1 - cpu0:0} ms = {(cpu1 - cpu0) / paced.Count:0.000} ms per update");
            return done ? 0 : 1;
        }
        finally
        {
            if (!child.HasExited) child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }
    }

    private static async Task<bool> WaitFor(LoadPeer peer, int replies)
    {
        var idle = Stopwatch.StartNew();
        var seen = peer.Replies;
        while (peer.Replies < replies)
        {
            if (idle.Elapsed > TimeSpan.FromSeconds(30)) return false;
            await Task.Delay(20);
            if (peer.Replies != seen) (seen, idle) = (peer.Replies, Stopwatch.StartNew());
        }
        return true;
    }

    private static (int Answered, double P50, double P99) Latencies(LoadPeer peer, List<(long Chat, int Message)> sent)
    {
        var expected = sent.ToHashSet();
        var latencies = peer.Accepted().Where(m => m.Method == "sendmessage" && m.ReplyTo is { } r && expected.Contains((m.ChatId, r)))
            .Select(m => peer.ServedAt(m.ChatId, m.ReplyTo!.Value) is { } served ? Measure.Ms(served, m.At) : double.NaN)
            .Where(l => !double.IsNaN(l)).Order().ToList();
        return (latencies.Count, Measure.Percentile(latencies, 50), Measure.Percentile(latencies, 99));
    }

    /// <summary>The child's user + system CPU so far, in ms (taskset execs the benchmark: the same process).</summary>
    private static double Cpu(Process child)
    {
        child.Refresh();
        return child.TotalProcessorTime.TotalMilliseconds;
    }

    /// <summary>The child: polls, and answers every update as it comes, at most <c>inFlight</c> sends at once.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var bot = new TelegramBotClient(new TelegramBotClientOptions(Token, args[0]) { RetryThreshold = 0, RetryCount = 0 });
        using var gate = new SemaphoreSlim(int.Parse(args[1]));
        var offset = 0;
        while (true)
        {
            var batch = await bot.GetUpdates(offset, 100, 25);
            foreach (var update in batch)
            {
                offset = update.Id + 1;
                await gate.WaitAsync();
                _ = Reply(bot, update).ContinueWith(_ => gate.Release(), TaskContinuationOptions.ExecuteSynchronously);
            }
        }
    }

    private static Task Reply(TelegramBotClient bot, Update update) => update switch
    {
        { Message: { } m } => bot.SendMessage(m.Chat.Id, Answer, replyParameters: m.MessageId),
        { CallbackQuery: { } q } => bot.AnswerCallbackQuery(q.Id),
        _ => Task.CompletedTask,
    };
}
