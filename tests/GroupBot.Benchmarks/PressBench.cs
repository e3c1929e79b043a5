using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using GroupBot.Games;
using GroupBot.Games.Lottery;
using GroupBot.Outbox;
using Microsoft.Extensions.Hosting;

namespace GroupBot.Benchmarks;

/// <summary>
/// `press`: a red-packet lottery played with its buttons. The owner opens a lottery with one slot per player; every
/// player presses Join (first half of the run) and then Grab (second half) on the game message, as callback_query
/// updates. Measures how long a press waits for its answerCallbackQuery (the toast; Telegram shows a spinner on the
/// button until then), checks from what the bot posted that each player joined and grabbed once, and that the group's
/// messages stayed within Telegram's limits. Shipped rate limits on both sides.
/// </summary>
public static partial class PressBench
{
    private const long Chat = -1_003_000_000_001;
    private const string Title = "红包压测群";
    private const long FirstPlayer = 30_000_000;
    private const double LatencyTargetMs = 1000;

    public static async Task<int> RunAsync(Options o)
    {
        // The bot refuses a lottery of more than LotteryRules.MaxSlots (100) players: no bigger game can be played.
        var players = (int)o.Number("players", LotteryRules.MaxSlots);
        if (players is < LotteryRules.MinSlots or > LotteryRules.MaxSlots)
            throw new OptionException($"--players must be from {LotteryRules.MinSlots} to {LotteryRules.MaxSlots}: the bot refuses a lottery of more than {LotteryRules.MaxSlots} slots (LotteryRules.MaxSlots)");
        // More people may press than there are slots (issue 17 asks for 300): the first `players` to press Join get in,
        // everyone else is told the game is full, and everyone presses Grab (the late ones are told they are not in it).
        var crowd = (int)o.Number("crowd", players);
        if (crowd < players || crowd > 1000) throw new OptionException("--crowd must be from --players to 1000");
        var seconds = o.Number("seconds", 10);
        if (seconds is < 1 or > 600) throw new OptionException("--seconds must be from 1 to 600");
        // Below the lottery's 10-minute grab window: a wait past it would let stragglers be handed shares they never grabbed.
        var maxSeconds = o.Int("max-seconds", 120, 5, 500);
        var keep = o.Flag("keep");
        o.CheckAllUsed();

        var dir = BenchHost.PrepareFolder("press");
        await using var peer = await LoadPeer.StartAsync(BenchHost.Token, new PeerLimits());
        var host = await BenchHost.StartAsync(dir, peer, new Dictionary<string, string?>());
        var stopping = host.Get<IHostApplicationLifetime>().ApplicationStopping;
        var outbox = host.Get<OutboxQueue>();
        var limits = host.Get<OutboxOptions>();
        var result = new StringBuilder();
        var lines = new List<string>();
        var ok = false;
        try
        {
            // 1. The owner (an admin: the peer's getChatAdministrators names user 1 the creator) opens the lottery.
            var potYuan = players; // ¥N = 100·N fen ≥ N fen; at most ¥100 (the bot's cap is ¥200)
            var command = $"/lottery {players} ¥{potYuan} 压测奖品";
            peer.EnqueueMessage(Chat, Title, LoadPeer.OwnerId, "Owner", command);
            AcceptedMessage? gameMessage = null;
            int gameId = 0;
            var setup = Stopwatch.StartNew();
            while (gameMessage is null && setup.Elapsed < TimeSpan.FromSeconds(30) && !stopping.IsCancellationRequested)
            {
                await Task.Delay(20);
                foreach (var m in peer.Accepted().Where(m => m.ChatId == Chat && m.Method == "sendmessage"))
                {
                    if (m.Buttons?.Select(d => JoinData().Match(d)).FirstOrDefault(x => x.Success) is not { } match) continue;
                    (gameMessage, gameId) = (m, int.Parse(match.Groups[1].Value));
                    break;
                }
            }
            if (gameMessage is null)
            {
                var said = peer.Accepted().FirstOrDefault(m => m.ChatId == Chat)?.Text;
                throw new InvalidOperationException($"no game message with a join button after {setup.Elapsed.TotalSeconds:0} s"
                    + (said is null ? "" : $"; the bot said: {said.ReplaceLineEndings(" ")}"));
            }
            Console.Error.WriteLine($"  lottery #{gameId} open (message {gameMessage.MessageId}); pressing for {seconds:0.#} s");

            // 2. The presses: Join spread evenly over the first half, Grab over the second (grab order shuffled, seeded).
            var ids = Enumerable.Range(0, crowd).Select(i => FirstPlayer + i).ToList();
            var grabOrder = ids.ToArray();
            new Random(crowd).Shuffle(grabOrder);
            var half = seconds / 2;
            var schedule = ids.Select((u, i) => (At: i * half / crowd, User: u, Verb: "join"))
                .Concat(grabOrder.Select((u, i) => (At: half + i * half / crowd, User: u, Verb: "grab")))
                .ToList();
            var presses = new List<Press>(schedule.Count);
            var feed = Stopwatch.StartNew();
            foreach (var (at, user, verb) in schedule)
            {
                var wait = at - feed.Elapsed.TotalSeconds;
                if (wait > 0.001) await Task.Delay(TimeSpan.FromSeconds(wait));
                if (stopping.IsCancellationRequested) break;
                var id = peer.EnqueueCallback(Chat, Title, user, Name(user), gameMessage.MessageId, $"g:{gameId}:{verb}");
                presses.Add(new Press(id, user, verb));
            }
            var fedIn = feed.Elapsed.TotalSeconds;

            // 3. Wait (bounded) until every press is answered, then until the outbox is empty (the result goes out).
            var wanted = presses.Select(p => p.CallbackId).ToHashSet();
            var waiting = Stopwatch.StartNew();
            var lastReport = Stopwatch.StartNew();
            int Answered() => peer.CallbackAnswers().Select(a => a.CallbackId).Where(wanted.Contains).Distinct().Count();
            var answered = Answered();
            while ((answered < presses.Count || outbox.PendingCount > 0) && waiting.Elapsed < TimeSpan.FromSeconds(maxSeconds) && !stopping.IsCancellationRequested)
            {
                await Task.Delay(50);
                answered = Answered();
                if (lastReport.Elapsed > TimeSpan.FromSeconds(5))
                {
                    lastReport.Restart();
                    Console.Error.WriteLine($"  {waiting.Elapsed.TotalSeconds,5:0} s after the last press: {answered} of {presses.Count} answered; {outbox.PendingCount} waiting in the outbox; {peer.RateLimited} × 429");
                }
            }
            var waited = waiting.Elapsed.TotalSeconds;
            var pendingLeft = outbox.PendingCount;

            // 4. Answers: latency from the moment the update was served to the moment its answer reached the peer.
            var (firstAnswer, duplicateAnswers, strayAnswers, latencies, _) = peer.AnswersTo(wanted);
            var unanswered = presses.Count - firstAnswer.Count;
            double p50 = Measure.Percentile(latencies, 50), p90 = Measure.Percentile(latencies, 90), p99 = Measure.Percentile(latencies, 99);
            var max = latencies.Count > 0 ? latencies[^1] : double.NaN;
            var over1s = latencies.Count(l => l > LatencyTargetMs);

            // What the toasts said, per verb (amounts masked so the shapes group).
            string Toasts(string verb) => string.Join("; ", presses.Where(p => p.Verb == verb && firstAnswer.ContainsKey(p.CallbackId))
                .GroupBy(p => Amount().Replace(firstAnswer[p.CallbackId].Text ?? "(no text)", "¥…"))
                .OrderByDescending(g => g.Count())
                .Select(g => $"{g.Count()} × “{g.Key.ReplaceLineEndings(" ")}”"));

            // 5. The bot's state as it told the group: the "full" message names everyone who joined; the result
            //    message lists every grab with its order and share.
            // A chat's updates are handled in the order Telegram numbered them: the first `players` presses of Join get in.
            var expected = ids.Take(players).Select(u => "@u" + u).ToHashSet();
            var toGroup = peer.Accepted().Where(m => m.ChatId == Chat).ToList();
            var fullMessage = toGroup.FirstOrDefault(m => m.Method == "sendmessage" && m.MessageId != gameMessage.MessageId
                && m.Buttons?.Contains($"g:{gameId}:grab") == true);
            var gameTexts = toGroup.Where(m => m.MessageId == gameMessage.MessageId).ToList();
            var joinedSource = fullMessage ?? gameTexts.LastOrDefault();
            var joinedNames = joinedSource is null ? [] : Handle().Matches(joinedSource.Text).Select(m => m.Value).ToList();
            var resultMessage = toGroup.FirstOrDefault(m => m.Method == "sendmessage" && ShareLine().IsMatch(m.Text));
            var shares = resultMessage is null ? [] : ShareLine().Matches(resultMessage.Text).Select(m => (Order: int.Parse(m.Groups[1].Value), Name: m.Groups[2].Value)).ToList();
            var grabbedNames = shares.Select(s => s.Name).ToList();
            var joinsOk = joinedNames.Count == players && joinedNames.ToHashSet().SetEquals(expected);
            var grabsOk = grabbedNames.Count == players && grabbedNames.ToHashSet().SetEquals(expected)
                && shares.Select(s => s.Order).Order().SequenceEqual(Enumerable.Range(1, players));
            var joinDupes = joinedNames.Count - joinedNames.Distinct().Count();
            var grabDupes = grabbedNames.Count - grabbedNames.Distinct().Count();

            // The same from the store, as a cross-check of what the messages say.
            var game = host.Get<GameStore>().Find(Chat, gameId);
            var storeJoined = game?.Players.Count ?? 0;
            var storeGrabbed = game?.Players.Count(p => p.ShareFen is not null) ?? 0;

            // 6. The group's messages (sendMessage, editMessageText) against Telegram's 20/min per group.
            var stamps = toGroup.Select(m => m.At).Order().ToList();
            var per60 = Measure.MaxInWindow(stamps, 60);
            var per1 = Measure.MaxInWindow(stamps, 1);
            var sends = toGroup.Count(m => m.Method != "editmessagetext");
            var edits = toGroup.Count(m => m.Method == "editmessagetext");
            var span = stamps.Count > 1 ? Measure.Seconds(stamps[0], stamps[^1]) : 0;

            var stopped = stopping.IsCancellationRequested;
            ok = !stopped && presses.Count == schedule.Count && unanswered == 0 && p99 <= LatencyTargetMs && joinsOk && grabsOk
                 && duplicateAnswers == 0 && peer.RateLimited == 0 && per60 <= 20;

            lines.Add($"game: lottery #{gameId} opened with “{command}” (stake default), game message {gameMessage.MessageId}");
            lines.Add($"presses: {presses.Count} sent ({crowd} × join over the first {half:0.#} s, {crowd} × grab over the next {half:0.#} s; fed in {fedIn:0.0} s) "
                + $"= {presses.Count / Math.Max(seconds, 0.001):0.0} presses/s");
            lines.Add($"answered: {firstAnswer.Count} of {presses.Count} ({unanswered} unanswered {waited:0.0} s after the last press"
                + $"{(unanswered > 0 && !stopped ? $", the {maxSeconds} s bound" : "")}); duplicate answers {duplicateAnswers}; answers to unknown ids {strayAnswers}");
            lines.Add($"answer latency (update served → answerCallbackQuery at the peer): p50 {p50:0} ms, p90 {p90:0} ms, p99 {p99:0} ms, max {max:0} ms; "
                + $"{over1s} of {latencies.Count} over {LatencyTargetMs:0} ms");
            lines.Add($"  answers reached the peer at most {Measure.MaxInWindow(firstAnswer.Values.Select(a => a.At).Order().ToList(), 1)} in any 1 s");
            lines.Add($"toasts, join: {Toasts("join")}");
            lines.Add($"toasts, grab: {Toasts("grab")}");
            lines.Add($"joins counted by the bot: {joinedNames.Count} names in the {(fullMessage is not null ? "“full” message" : joinedSource is not null ? "game message (NO “full” message)" : "— NOTHING")} "
                + $"({joinedNames.Distinct().Count()} distinct, duplicates {joinDupes}, all {players} players: {(joinsOk ? "yes" : "NO")})");
            lines.Add($"grabs counted by the bot: {(resultMessage is null ? "NO result message" : $"{shares.Count} shares in the result message ({grabbedNames.Distinct().Count()} distinct, duplicates {grabDupes}, orders 1..{players} each once and all {players} players: {(grabsOk ? "yes" : "NO")})")}");
            lines.Add($"store cross-check: state {game?.State.ToString() ?? "—"}, {storeJoined} players, {storeGrabbed} with a share");
            lines.Add($"messages to the group: {sends} sent + {edits} edits over {span:0.0} s; most in any 60 s window {per60} (Telegram: 20), in any 1 s window {per1}; "
                + $"{(pendingLeft == 0 ? "outbox empty at the end" : $"{pendingLeft} STILL IN THE OUTBOX at the end")}");
            lines.Add($"429s answered by the peer: {peer.RateLimited}");
            if (stopped) lines.Add($"THE BOT STOPPED during the run: see {host.LogFolder} (--keep)");
        }
        catch (InvalidOperationException ex)
        {
            lines.Add("setup failed: " + ex.Message);
        }
        finally
        {
            await host.DisposeAsync();
            result.AppendLine($"== GroupBot press benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release) ==");
            result.AppendLine($"players: {players} slots, {crowd} people pressing, in one group; presses over {seconds:0.#} s");
            result.AppendLine($"peer limits: {peer.Limits} on the message methods; answerCallbackQuery not limited");
            result.AppendLine($"bot outbox (config/appsettings.json): {limits.GlobalPerSecond}/s overall, {limits.ChatPerSecond}/s per chat (burst {limits.ChatBurst}), {limits.GroupPerMinute}/min per group, {limits.MaxInFlight} requests in flight");
            result.AppendLine("storage: durable (journal, group commit)");
            foreach (var line in lines) result.AppendLine(line);
            result.AppendLine($"verdict: {(ok ? "PASS" : "FAIL")} (criteria: every press answered, p99 ≤ {LatencyTargetMs:0} ms, each player joined once and grabbed once, "
                + "no duplicate answers, no 429, at most 20 messages to the group in any 60 s)");
            if (!keep) BroadcastBench.TryDelete(dir);
        }
        Console.Write(result.ToString());
        if (keep) Console.WriteLine($"(kept {dir})");
        return ok ? 0 : 1;
    }

    /// <summary>A player's first name; with the username the peer gives (u + id) the bot shows "@u…".</summary>
    private static string Name(long user) => $"玩家{user - FirstPlayer + 1}";

    private sealed record Press(string CallbackId, long User, string Verb);

    [GeneratedRegex(@"^g:(\d+):join$")]
    private static partial Regex JoinData();

    /// <summary>A player as the bot names one: @username (the peer gives every user "u" + id).</summary>
    [GeneratedRegex(@"@u\d+")]
    private static partial Regex Handle();

    /// <summary>A result line: "order. @name ¥amount".</summary>
    [GeneratedRegex(@"^(\d+)\. (@u\d+) [¥￥]\d", RegexOptions.Multiline)]
    private static partial Regex ShareLine();

    [GeneratedRegex(@"[¥￥]\d+(\.\d+)?")]
    private static partial Regex Amount();
}
