using System.Diagnostics;
using System.Text;
using GroupBot.Community;
using GroupBot.Faq;
using GroupBot.Outbox;
using GroupBot.Storage;
using LiteDB;
using Microsoft.Extensions.Hosting;

namespace GroupBot.Benchmarks;

/// <summary>
/// `inbound`: updates end to end on the real pipeline (getUpdates → inbox → per-chat queue → router → LiteDB →
/// Scriban → outbox → sendMessage) against a seeded store. A burst run measures throughput and latency; paced runs
/// measure latency at fixed input rates. Telegram's limits are off on both sides so the bot itself is measured.
/// </summary>
public static partial class InboundBench
{
    private const long FirstChat = -1_002_000_000_000;
    private const long FirstUser = 10_000_000;

    /// <summary>What distributors ask: keys, aliases, loose questions, and a few that match nothing.</summary>
    private static readonly string[] Questions =
    [
        "发货", "物流", "什么时候发货", "包邮吗", "运费怎么算", "改地址", "取消订单", "退货", "七天无理由", "破损怎么办", "漏发",
        "佣金怎么算", "什么时候结算", "提现", "多久到账", "金牌", "怎么升级", "积分", "积分兑换", "排行榜", "邀请链接", "拉人",
        "文案", "产品图", "怎么卖", "红包", "手气最差", "猜价格", "shipping", "returns", "营业时间", "火星快递", "区块链",
    ];

    public static async Task<int> RunAsync(Options o)
    {
        var updates = o.Int("updates", 20_000);
        var warmup = o.Int("warmup", 0, 0, 1_000_000);
        var groupCount = o.Int("groups", 10_000);
        var memberCount = o.Int("members", 100_000);
        var gameChats = o.Int("game-chats", 200, 1, groupCount);
        var joinShare = o.Number("join-share", 0.3);
        // Red-packet lotteries played with their buttons: Join until the slots are taken, then Grab (issue 17's "joins and grabs").
        var lotteries = o.Int("lotteries", 300, 0, groupCount / 2);
        var pressShare = lotteries == 0 ? 0 : o.Number("press-share", 0.1);
        if (joinShare + pressShare > 1) throw new OptionException("--join-share and --press-share add up to more than 1");
        var pacedRates = o.Text("paced-rate", "1000,100").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => int.TryParse(r, out var v) && v > 0 ? v : throw new OptionException("--paced-rate takes rates like 1000,100")).ToList();
        var pacedSeconds = o.Int("paced-seconds", 10, 1, 600);
        var maxSeconds = o.Int("max-seconds", 300);
        var keep = o.Flag("keep");
        var inProcess = o.Flag("in-process");
        var botCpusText = o.Text("bot-cpus", "");
        o.CheckAllUsed();
        var botCpus = botCpusText.Length == 0 ? null : botCpusText;

        var result = new StringBuilder();
        var dir = BenchHost.PrepareFolder("inbound");
        var dbPath = Path.Combine(dir, "data", "bot.db");
        using var memory = new Measure.MemorySampler();
        using var liteDbFailure = new FirstLiteDbFailure();

        // 1. Seed the store before the bot opens it (LiteDB direct mode holds the file exclusively).
        var seedStart = Stopwatch.GetTimestamp();
        using (var db = new Database(dbPath))
        {
            var groups = db.Table<long, Group>("groups", g => g.ChatId);
            var members = db.Table<long, Member>("members", m => m.UserId);
            db.Write(() =>
            {
                for (var i = 0; i < groupCount; i++)
                    groups.Put(new Group { ChatId = FirstChat - i, Title = Title(FirstChat - i), Kind = "Supergroup", FirstSeenUtc = DateTime.UtcNow });
                for (var i = 0; i < memberCount; i++)
                    members.Put(new Member { UserId = FirstUser + i, Name = UserName(FirstUser + i), Username = "u" + (FirstUser + i), FirstSeenUtc = DateTime.UtcNow });
            });
            // A tenth of the groups have an answer of their own (it overrides or adds to the global ones there).
            var faq = new FaqStore(db, TimeProvider.System);
            for (var i = 0; i < groupCount; i += 10) faq.Put(FirstChat - i, "营业时间", $"本群客服时间：每天 9:00–21:00（群 {i}）", LoadPeer.OwnerId);
        }
        var seedSeconds = Measure.Seconds(seedStart, Stopwatch.GetTimestamp());

        await using var peer = await LoadPeer.StartAsync(BenchHost.Token, limits: null);
        var settings = new Dictionary<string, string?>
        {
            ["Outbox:GlobalPerSecond"] = "1000000",
            ["Outbox:ChatPerSecond"] = "1000000",
            ["Outbox:ChatBurst"] = "1000000",
            ["Outbox:GroupPerMinute"] = "1000000",
            // A fast server answers in well under a millisecond: with the default 8 sends under way the bot wakes for each
            // answer and spends more per update (the bare loop too: see `bare`). An operator of a local Bot API server
            // raises it likewise (README, Configuration).
            ["Outbox:MaxInFlight"] = "100",
        };
        // The bot in a process of its own (pinned with taskset when asked) measures the bot alone: its CPU, its memory.
        BenchHost? host = null;
        BotProcess? child = null;
        if (inProcess) host = await BenchHost.StartAsync(dir, peer, settings);
        else child = await BotProcess.StartAsync(dir, peer.BaseUrl, settings, botCpus);
        var stopping = host?.Get<IHostApplicationLifetime>().ApplicationStopping ?? CancellationToken.None;
        var botDb = host?.Get<Database>();
        var hostOutbox = host?.Get<OutboxQueue>();
        async Task<BotStats?> Probe(bool full = true)
        {
            if (child is not null) return await child.StatsAsync(full);
            if (!full) return BotStats.Light(hostOutbox!.PendingCount, stopping.IsCancellationRequested, liteDbFailure.Text);
            using var me = Process.GetCurrentProcess();
            return new BotStats(me.UserProcessorTime.TotalMilliseconds, me.PrivilegedProcessorTime.TotalMilliseconds, botDb!.JournalStats.Syncs,
                hostOutbox!.PendingCount, me.WorkingSet64, me.PeakWorkingSet64, GC.GetTotalMemory(false), GC.GetTotalAllocatedBytes(),
                GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), stopping.IsCancellationRequested, liteDbFailure.Text, GC.GetTotalPauseDuration().TotalMilliseconds)
                .WithHandOffs();
        }
        var exit = 1;
        var phases = new List<string>();
        var ok = true;
        BotStats? last = null;
        try
        {
            // 2. Open a group buy in the game chats (the owner is an admin: the peer's getChatAdministrators says so).
            var games = Enumerable.Range(0, gameChats).Select(i => FirstChat - i * (groupCount / gameChats)).ToList();
            foreach (var chat in games)
                peer.EnqueueMessage(chat, Title(chat), LoadPeer.OwnerId, "Owner", "/groupbuy 69 3:65,5:61,10:55 有机栗仁 deadline=1d");
            var setup = Stopwatch.StartNew();
            while (setup.Elapsed < TimeSpan.FromSeconds(120) && await Probe() is { Stopping: false } s
                   && (peer.AcceptedCount < gameChats || s.Pending > 0 || peer.UnconfirmedUpdates > 0))
                await Task.Delay(100);
            var opened = peer.Accepted().Select(m => m.ChatId).Distinct().Count();
            if (opened < gameChats) throw new InvalidOperationException($"only {opened} of {gameChats} group buys opened");

            // Lotteries of LotterySlots in other chats, opened by the owner; their join buttons are what the presses name.
            var lotteryChats = Enumerable.Range(0, lotteries).Select(i => FirstChat - 1 - i * (groupCount / Math.Max(1, lotteries))).Where(c => !games.Contains(c)).ToList();
            foreach (var chat in lotteryChats)
                peer.EnqueueMessage(chat, Title(chat), LoadPeer.OwnerId, "Owner", $"/lottery {LotterySlots} ¥{LotterySlots} 压测红包 deadline=1d");
            var lotteryOf = new Dictionary<long, Lottery>();
            setup.Restart();
            while (lotteryOf.Count < lotteryChats.Count && setup.Elapsed < TimeSpan.FromSeconds(120) && await Probe() is { Stopping: false })
            {
                await Task.Delay(100);
                foreach (var m in peer.Accepted().Where(m => m.Method == "sendmessage" && !lotteryOf.ContainsKey(m.ChatId) && lotteryChats.Contains(m.ChatId)))
                    if (m.Buttons?.Select(d => JoinButton().Match(d)).FirstOrDefault(x => x.Success) is { } match)
                        lotteryOf[m.ChatId] = new Lottery(m.ChatId, m.MessageId, int.Parse(match.Groups[1].Value));
            }
            if (lotteryOf.Count < lotteryChats.Count) throw new InvalidOperationException($"only {lotteryOf.Count} of {lotteryChats.Count} lotteries opened");
            var playable = lotteryOf.Values.ToList();

            var rng = new Random(42);
            var chats = Enumerable.Range(0, groupCount).Select(i => FirstChat - i).ToArray();
            var senders = new Dictionary<(long, int), long>();
            // A press in a lottery that still has one to play: a Join by someone new until the slots are taken, then a Grab by
            // each player. Null when every lottery is played out (the mix then goes on with messages).
            Press? NextPress()
            {
                while (playable.Count > 0)
                {
                    // A few lotteries at a time, as in a day of real groups: each fills up and is grabbed while the next ones start.
                    var at = rng.Next(Math.Min(playable.Count, 20));
                    var game = playable[at];
                    string verb;
                    long user;
                    if (game.Players.Count < LotterySlots)
                    {
                        do user = FirstUser + rng.Next(memberCount); while (game.Players.Contains(user));
                        game.Players.Add(user);
                        verb = "join";
                    }
                    else if (game.Grabs < LotterySlots)
                    {
                        user = game.Players[game.Grabs++];
                        verb = "grab";
                    }
                    else
                    {
                        playable.RemoveAt(at);
                        continue;
                    }
                    var id = peer.EnqueueCallback(game.Chat, Title(game.Chat), user, UserName(user), game.MessageId, $"g:{game.GameId}:{verb}");
                    return new Press(id, verb);
                }
                return null;
            }

            (long Chat, int Message) Next()
            {
                var join = rng.NextDouble() < joinShare;
                var chat = join ? games[rng.Next(games.Count)] : chats[rng.Next(chats.Length)];
                var user = FirstUser + rng.Next(memberCount);
                var text = join ? "/join" : "/faq " + Questions[rng.Next(Questions.Length)];
                var message = peer.EnqueueMessage(chat, Title(chat), user, UserName(user), text);
                senders[(chat, message)] = user;
                return (chat, message);
            }

            // A bot runs for days: its code is compiled to the final tier and its tables have their working set. A run that
            // starts measuring seconds after start-up measures the JIT's first tiers (LiteDB's index code still unoptimised).
            if (warmup > 0)
            {
                peer.ResetStats();
                var warm = new List<(long Chat, int Message)>(warmup);
                for (var i = 0; i < warmup; i++) warm.Add(Next());
                var warmClock = Stopwatch.StartNew();
                var (warmDone, _, warmStopped) = await WaitForReplies(peer, () => Probe(false), warm.Count, 0, TimeSpan.FromSeconds(maxSeconds));
                if (!warmDone) throw new InvalidOperationException(warmStopped ? "the bot stopped during the warm-up" : "the warm-up did not finish");
                phases.Add($"warm-up: {warm.Count} updates of the same mix in {warmClock.Elapsed.TotalSeconds:0.0} s, not measured");
                // Let the writer behind copy the warm-up's rows and the outbox settle before the measured phase.
                await Task.Delay(Database.WriteBehindInterval * 2);
            }

            // 3. Burst: every update queued at once; the bot takes them as fast as it can.
            peer.ResetStats();
            var before = await Probe() ?? throw new InvalidOperationException("the bot stopped");
            var burst = new List<(long Chat, int Message)>(updates);
            var burstPresses = new List<Press>();
            for (var i = 0; i < updates; i++)
            {
                if (rng.NextDouble() < pressShare && NextPress() is { } press) burstPresses.Add(press);
                else burst.Add(Next());
            }
            var (burstDone, burstPeak, stopped) = await WaitForReplies(peer, () => Probe(false), burst.Count, burstPresses.Count, TimeSpan.FromSeconds(maxSeconds));
            var b = Analyse(peer, burst, senders);
            var bp = AnalysePresses(peer, burstPresses);
            var after = await Probe() ?? before;
            var burstSyncs = after.Syncs - before.Syncs;
            ok &= burstDone && b.Good && bp.Good;
            var burstSeconds = Math.Max(b.Seconds, bp.Seconds);
            phases.Add($"burst: {burst.Count + burstPresses.Count} updates queued at once → {b.Replies} replies and {bp.Answered} press answers in {burstSeconds:0.0} s = {(b.Replies + bp.Answered) / burstSeconds:0} updates/s"
                + (burstDone ? "" : stopped ? " (THE BOT STOPPED)" : $" (INCOMPLETE at the {maxSeconds} s bound)"));
            phases.Add(CpuLine(before, after, burst.Count + burstPresses.Count, inProcess));
            phases.Add($"  latency served→reply: p50 {b.P50:0} ms, p99 {b.P99:0} ms, max {b.Max:0} ms (all queued at once: latency is mostly waiting in the backlog)");
            phases.Add($"  replies over time: the first 10% by {b.TenthAt:0.0} s, half by {b.HalfAt:0.0} s; replies waiting in the outbox peaked at {burstPeak}");
            phases.Add($"  per-person order in each chat: {(b.OutOfOrder == 0 ? "kept" : $"{b.OutOfOrder} replies OUT OF ORDER")} over {b.Chats} chats; missing {b.Missing}, duplicate/unexpected {b.Extra}; "
                + $"group-buy edits {peer.Accepted().Count(m => m.Method == "editmessagetext")}; getChatAdministrators calls {peer.AdminCalls}");
            if (burstPresses.Count > 0) phases.Add(PressLine(bp, burstPresses));
            phases.Add($"  fsyncs: {burstSyncs} journal fsyncs for {burst.Count + burstPresses.Count} updates = {(double)burstSyncs / (burst.Count + burstPresses.Count):0.000} per update; getUpdates calls {(double)peer.GetUpdatesCalls / (burst.Count + burstPresses.Count):0.000} per update (each update is its own unit, each send's result another; LiteDB, written behind, adds its own every 2 s)");

            // 4. Paced: a steady input rate, for latency at a given load.
            foreach (var rate in pacedRates)
            {
                if (await Probe() is not { Stopping: false } pacedBefore) break;
                peer.ResetStats();
                var paced = new List<(long Chat, int Message)>(rate * pacedSeconds);
                var pacedPresses = new List<Press>();
                var feed = Stopwatch.StartNew();
                while (paced.Count + pacedPresses.Count < rate * pacedSeconds && feed.Elapsed < TimeSpan.FromSeconds(pacedSeconds + 30))
                {
                    var due = Math.Min(rate * pacedSeconds, (int)(feed.Elapsed.TotalSeconds * rate));
                    while (paced.Count + pacedPresses.Count < due)
                    {
                        if (rng.NextDouble() < pressShare && NextPress() is { } press) pacedPresses.Add(press);
                        else paced.Add(Next());
                    }
                    await Task.Delay(2);
                }
                var fedIn = feed.Elapsed.TotalSeconds;
                var backlog = paced.Count - peer.Replies;
                var (pacedDone, pacedPeak, pacedStopped) = await WaitForReplies(peer, () => Probe(false), paced.Count, pacedPresses.Count, TimeSpan.FromSeconds(maxSeconds));
                var p = Analyse(peer, paced, senders);
                var pp = AnalysePresses(peer, pacedPresses);
                var pacedAfter = await Probe() ?? pacedBefore;
                ok &= pacedDone && p.Good && pp.Good;
                phases.Add($"paced {rate}/s: {paced.Count + pacedPresses.Count} updates fed in {fedIn:0.0} s ({backlog} unanswered when feeding ended) → all answered {Math.Max(p.Seconds, pp.Seconds):0.0} s after the first was served"
                    + (pacedDone ? "" : pacedStopped ? " (THE BOT STOPPED)" : $" (INCOMPLETE at the {maxSeconds} s bound)"));
                phases.Add($"  latency served→reply: p50 {p.P50:0.0} ms, p90 {p.P90:0.0} ms, p99 {p.P99:0.0} ms, max {p.Max:0} ms; order {(p.OutOfOrder == 0 ? "kept" : $"{p.OutOfOrder} OUT OF ORDER")}; missing {p.Missing}; outbox peak {pacedPeak}");
                if (pacedPresses.Count > 0) phases.Add(PressLine(pp, pacedPresses));
                phases.Add(CpuLine(pacedBefore, pacedAfter, paced.Count + pacedPresses.Count, inProcess)
                    + $"; fsyncs {(double)(pacedAfter.Syncs - pacedBefore.Syncs) / (paced.Count + pacedPresses.Count):0.00} per update"
                    + $"; getUpdates calls {(double)peer.GetUpdatesCalls / (paced.Count + pacedPresses.Count):0.00} per update");
            }
        }
        catch (InvalidOperationException ex)
        {
            ok = false;
            phases.Add("setup failed: " + ex.Message);
        }
        finally
        {
            last = await Probe();
            var stoppedAtEnd = last is null or { Stopping: true };
            var firstError = FirstLogError(Path.Combine(dir, "data", "logs"));
            if (host is not null) await host.DisposeAsync();
            if (child is not null) last = await child.StopAsync() ?? last;
            if (child is not null) await child.DisposeAsync();
            var probe = ProbeDatabase(dbPath);
            ok &= !stoppedAtEnd && probe is null;
            exit = ok ? 0 : 1;
            result.AppendLine($"== GroupBot inbound benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release) ==");
            result.AppendLine($"store: {groupCount} groups, {memberCount} members, {groupCount / 10} group-own FAQ answers + config/faq.json (seeded in {seedSeconds:0.0} s); {gameChats} chats with an open group buy");
            result.AppendLine("storage: durable: every update one unit, made durable by the journal's group commit before its reply is sent");
            result.AppendLine("limits: OFF for this run — the peer enforces none and Outbox:* are set to 1,000,000, with 100 requests in flight (Outbox:MaxInFlight) — so the bot's own speed is measured");
            result.AppendLine($"mix: {1 - joinShare - pressShare:P0} /faq <words> over all {groupCount} chats, {joinShare:P0} /join in the group-buy chats, "
                + $"{pressShare:P0} button presses in {lotteries} red-packet lotteries of {LotterySlots} (Join until full, then Grab; a played-out lottery's share goes to messages); users drawn from {memberCount} members");
            foreach (var line in phases) result.AppendLine(line);
            if (inProcess)
                result.AppendLine($"memory: peak working set {Measure.Mb(memory.PeakWorkingSet)}, peak managed heap {Measure.Mb(memory.PeakManagedHeap)} (one process: bot + load peer + benchmark)");
            else
                result.AppendLine($"memory of the bot process: peak working set {Measure.Mb(last?.PeakWorkingSet ?? 0)}; load process (peer + benchmark): peak working set {Measure.Mb(memory.PeakWorkingSet)}");
            result.AppendLine(inProcess ? "process: ONE process holds the bot, the load peer and the benchmark (--in-process): CPU figures include the load's"
                : $"process: the bot runs alone in a child process{(botCpus is null ? " (not pinned)" : $" pinned to CPU {botCpus}")}; this process (peer + load) may run on CPUs {CurrentAffinity()}");
            if (stoppedAtEnd) result.AppendLine($"THE BOT STOPPED during the run; first error in its log: {firstError}");
            else if (firstError is not null) result.AppendLine($"errors in the bot's log; the first: {firstError}");
            if ((liteDbFailure.Text ?? last?.LiteDbFailure) is { } failure) result.AppendLine($"first LiteDB exception in the process: {failure}");
            result.AppendLine(probe is null ? "database after the run: reopens, reads every collection and takes new writes" : $"database after the run: BROKEN — {probe}");
            result.AppendLine($"verdict: {(ok ? "PASS" : "FAIL")} (criteria: every update answered exactly once, each chat in order, the bot still running, the database intact)");
            // A failed run keeps its folder: the bot's log has the whole stack of an error.
            keep |= !ok;
            if (!keep) BroadcastBench.TryDelete(dir);
        }
        Console.Write(result.ToString());
        if (keep) Console.WriteLine($"(kept {dir})");
        return exit;
    }

    private static string Title(long chat) => $"分销群{FirstChat - chat}";

    private static string UserName(long user) => $"用户{user - FirstUser}";

    /// <summary>Until the peer has a reply per message and an answer per press, or the bot stopped, or nothing moved for 30 s, or the bound.</summary>
    private static async Task<(bool Done, int PeakOutbox, bool Stopped)> WaitForReplies(LoadPeer peer, Func<Task<BotStats?>> probe, int expected, int presses, TimeSpan bound)
    {
        var run = Stopwatch.StartNew();
        var lastProgress = Stopwatch.StartNew();
        var lastReport = Stopwatch.StartNew();
        var lastProbe = Stopwatch.StartNew();
        long seen = 0;
        var peakOutbox = 0;
        var pending = 0;
        var stopped = false;
        var taken = peer.UnconfirmedUpdates;
        while ((peer.Replies < expected || peer.CallbackAnswerCount < presses) && run.Elapsed < bound && lastProgress.Elapsed < TimeSpan.FromSeconds(30) && !stopped)
        {
            await Task.Delay(20);
            var now = peer.Replies + peer.CallbackAnswerCount;
            var left = peer.UnconfirmedUpdates;
            // The bot's own figures every 100 ms: asking costs the bot a little CPU.
            if (lastProbe.Elapsed > TimeSpan.FromMilliseconds(100))
            {
                lastProbe.Restart();
                if (await probe() is { } stats) (pending, stopped) = (stats.Pending, stats.Stopping);
                else stopped = true;
                peakOutbox = Math.Max(peakOutbox, pending);
            }
            if (now != seen || left != taken) (seen, taken, lastProgress) = (now, left, Stopwatch.StartNew());
            if (lastReport.Elapsed > TimeSpan.FromSeconds(10))
            {
                lastReport.Restart();
                Console.Error.WriteLine($"  {run.Elapsed.TotalSeconds,5:0} s: {now} of {expected} replies; {left} updates not yet taken by the bot; {pending} replies waiting in the outbox");
            }
        }
        return (peer.Replies >= expected && peer.CallbackAnswerCount >= presses, peakOutbox, stopped);
    }

    /// <summary>The bot's CPU time per update over a phase (user + system), its allocations and collections.</summary>
    private static string CpuLine(BotStats before, BotStats after, int updates, bool inProcess) =>
        $"  CPU{(inProcess ? " of the whole process (bot + peer + load)" : " of the bot process")}: {after.CpuMs - before.CpuMs:0} ms "
        + $"(user {after.UserMs - before.UserMs:0}, sys {after.SysMs - before.SysMs:0}) = {(after.CpuMs - before.CpuMs) / updates:0.000} ms per update; "
        + $"allocated {(after.AllocatedBytes - before.AllocatedBytes) / (double)updates / 1024:0.0} KB per update; GCs gen0 {after.Gen0 - before.Gen0}, gen1 {after.Gen1 - before.Gen1}, gen2 {after.Gen2 - before.Gen2}, paused {after.GcPauseMs - before.GcPauseMs:0} ms; "
        + $"pool work items {(after.WorkItems - before.WorkItems) / (double)updates:0.0} and context switches {(after.ContextSwitches - before.ContextSwitches) / (double)updates:0.0} per update";

    private static string CurrentAffinity()
    {
        try
        {
            return File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private const int LotterySlots = 5;

    [System.Text.RegularExpressions.GeneratedRegex(@"^g:(\d+):join$")]
    private static partial System.Text.RegularExpressions.Regex JoinButton();

    private sealed class Lottery(long chat, int messageId, int gameId)
    {
        public long Chat { get; } = chat;
        public int MessageId { get; } = messageId;
        public int GameId { get; } = gameId;
        public List<long> Players { get; } = [];
        public int Grabs { get; set; }
    }

    private sealed record Press(string CallbackId, string Verb);

    private sealed record PressAnalysis(int Answered, int Unanswered, int Duplicates, double Seconds, double P50, double P99, double Max)
    {
        public bool Good => Unanswered == 0 && Duplicates == 0;
    }

    /// <summary>Each press answered once (answerCallbackQuery), and how long after its update was served.</summary>
    private static PressAnalysis AnalysePresses(LoadPeer peer, List<Press> presses)
    {
        var (first, duplicates, _, latencies, seconds) = peer.AnswersTo(presses.Select(p => p.CallbackId).ToHashSet());
        return new PressAnalysis(first.Count, presses.Count - first.Count, duplicates, seconds,
            Measure.Percentile(latencies, 50), Measure.Percentile(latencies, 99), latencies.Count > 0 ? latencies[^1] : double.NaN);
    }

    private static string PressLine(PressAnalysis a, List<Press> presses) =>
        $"  presses: {presses.Count(p => p.Verb == "join")} joins + {presses.Count(p => p.Verb == "grab")} grabs; answered {a.Answered}, unanswered {a.Unanswered}, "
        + $"answered twice {a.Duplicates}; served→answer p50 {a.P50:0.0} ms, p99 {a.P99:0.0} ms, max {a.Max:0} ms";

    private sealed record Analysis(int Replies, double Seconds, double P50, double P90, double P99, double Max, double TenthAt, double HalfAt,
        int OutOfOrder, int Chats, int Missing, int Extra)
    {
        public bool Good => OutOfOrder == 0 && Missing == 0 && Extra == 0;
    }

    private static Analysis Analyse(LoadPeer peer, List<(long Chat, int Message)> sent, Dictionary<(long, int), long> senders)
    {
        var replies = peer.Accepted().Where(m => m.Method == "sendmessage" && m.ReplyTo is not null).ToList();
        var expected = sent.ToHashSet();
        var latencies = new List<double>(replies.Count);
        var arrivals = new List<long>(replies.Count);
        var seen = new HashSet<(long, int)>();
        long first = long.MaxValue, last = 0;
        var extra = 0;
        foreach (var r in replies)
        {
            var key = (r.ChatId, r.ReplyTo!.Value);
            if (!expected.Contains(key) || !seen.Add(key))
            {
                extra++;
                continue;
            }
            arrivals.Add(r.At);
            if (peer.ServedAt(r.ChatId, r.ReplyTo.Value) is not { } served) continue;
            first = Math.Min(first, served);
            last = Math.Max(last, r.At);
            latencies.Add(Measure.Ms(served, r.At));
        }
        latencies.Sort();
        arrivals.Sort();
        double At(double share) => arrivals.Count == 0 ? double.NaN : Measure.Seconds(first, arrivals[Math.Min(arrivals.Count - 1, (int)(share * arrivals.Count))]);
        // Message ids grow in the order updates were queued, so the replies to one person in one chat must answer
        // growing ids (people take turns in a busy chat: replies to different people may pass each other).
        var outOfOrder = 0;
        foreach (var chat in replies.Where(r => expected.Contains((r.ChatId, r.ReplyTo!.Value)))
                     .GroupBy(r => (r.ChatId, senders.GetValueOrDefault((r.ChatId, r.ReplyTo!.Value)))))
        {
            var previous = 0;
            foreach (var r in chat)
            {
                if (r.ReplyTo!.Value < previous) outOfOrder++;
                previous = Math.Max(previous, r.ReplyTo.Value);
            }
        }
        return new Analysis(seen.Count, last > first ? Measure.Seconds(first, last) : double.NaN,
            Measure.Percentile(latencies, 50), Measure.Percentile(latencies, 90), Measure.Percentile(latencies, 99),
            latencies.Count > 0 ? latencies[^1] : double.NaN, At(0.1), At(0.5), outOfOrder, replies.Select(r => r.ChatId).Distinct().Count(),
            expected.Count - seen.Count, extra);
    }

    /// <summary>The first [ERR] or [FTL] line of the bot's log, with the exception's first line when there is one.</summary>
    private static string? FirstLogError(string logFolder)
    {
        if (!Directory.Exists(logFolder)) return null;
        foreach (var f in Directory.GetFiles(logFolder).Order())
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                var at = line.IndexOf("[ERR]", StringComparison.Ordinal) is >= 0 and var e ? e : line.IndexOf("[FTL]", StringComparison.Ordinal);
                if (at < 0) continue;
                var next = reader.ReadLine();
                var text = line[(at + 5)..].Trim();
                return next is not null && !next.StartsWith("20", StringComparison.Ordinal) ? $"{text} — {next.Trim()}" : text;
            }
        }
        return null;
    }

    /// <summary>
    /// The first LiteDB exception thrown anywhere in the process, with the stack where it was thrown: the bot's own
    /// log shows only what came after (Database.InTransaction's Rollback throws again and hides the original).
    /// </summary>
    internal sealed class FirstLiteDbFailure : IDisposable
    {
        private string? _first;

        public FirstLiteDbFailure() => AppDomain.CurrentDomain.FirstChanceException += OnException;

        public string? Text => Volatile.Read(ref _first);

        private void OnException(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (_first is not null || e.Exception is not LiteException && !e.Exception.Message.Contains("LiteDB", StringComparison.Ordinal)) return;
            var frames = new StackTrace(1, false).GetFrames()
                .Select(f => f.GetMethod())
                .Where(m => m?.DeclaringType?.Namespace is { } ns && (ns.StartsWith("LiteDB", StringComparison.Ordinal) || ns.StartsWith("GroupBot.", StringComparison.Ordinal)) &&
                            !ns.StartsWith("GroupBot.Benchmarks", StringComparison.Ordinal))
                .Select(m => $"{Outer(m!.DeclaringType!).Name}.{m.Name}")
                .Where(n => !n.Contains('<') && !n.Contains("MoveNext", StringComparison.Ordinal))
                .Distinct()
                .Take(12);
            Interlocked.CompareExchange(ref _first, $"{e.Exception.GetType().Name}: {e.Exception.Message}\n    thrown at " + string.Join(" ← ", frames), null);
        }

        private static Type Outer(Type t) => t.DeclaringType is { } d && t.Name.StartsWith('<') ? Outer(d) : t;

        public void Dispose() => AppDomain.CurrentDomain.FirstChanceException -= OnException;
    }

    /// <summary>Null when the file reopens, every collection reads and new writes go in; else what failed.</summary>
    private static string? ProbeDatabase(string path)
    {
        try
        {
            using var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct });
            foreach (var name in db.GetCollectionNames()) _ = db.GetCollection(name).FindAll().Count();
            // New pages come off the free list: this is where a corrupted list shows.
            var probe = db.GetCollection("bench_probe");
            for (var i = 0; i < 300; i++) probe.Insert(new BsonDocument { ["n"] = i, ["pad"] = new string('x', 2000) });
            probe.DeleteAll();
            db.DropCollection("bench_probe");
            return null;
        }
        catch (Exception ex)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }
}
