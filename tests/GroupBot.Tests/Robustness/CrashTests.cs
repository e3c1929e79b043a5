using System.Diagnostics;
using GroupBot.Games;
using GroupBot.Storage;
using GroupBot.Tests.EndToEnd;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupBot.Tests.Robustness;

/// <summary>
/// The bot as a real process against the peer, killed with SIGKILL at random moments during joins, grabs and
/// settlements, then started again on the same database. Afterwards: no acknowledged join without its pledge, no
/// pledge paid twice, every game settled exactly once, shares summing to the pot, and at most one duplicate result
/// message per game (the one that may have been mid-send). Default 4 kill runs; GROUPBOT_CRASH_RUNS=20 for the long run.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CrashTests(TelegramPeer peer) : IClassFixture<TelegramPeer>, IDisposable
{
    private static readonly PeerUser Owner = new(91, "Boss", "boss");
    private static readonly PeerUser[] Players = Enumerable.Range(0, 6).Select(i => new PeerUser(100 + i, $"K{i}", $"k{i}")).ToArray();
    private readonly TempDir _dir = Repo.Temp();
    private Process? _bot;

    private static int Runs => int.TryParse(Environment.GetEnvironmentVariable("GROUPBOT_CRASH_RUNS"), out var n) ? n : 4;

    private void StartBot(string token)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "GroupBot.dll")])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false,
            Environment =
            {
                ["GROUPBOT_ROOT"] = Repo.Root,
                ["Telegram__BotToken"] = token,
                ["Telegram__BaseUrl"] = peer.BaseUrl,
                ["Telegram__PollTimeoutSeconds"] = "1",
                ["Telegram__MaxBackoffSeconds"] = "1",
                ["Storage__Path"] = _dir.File("crash.db"),
                ["Serilog__WriteTo__File__Args__path"] = _dir.File("logs/bot-.log"),
                ["Serilog__WriteTo__Console__Args__restrictedToMinimumLevel"] = "Fatal",
                ["Bot__AdminCacheSeconds"] = "0",
                // Telegram's 20 messages a minute per group would make this test minutes long; limits have tests of their own.
                ["Outbox__ChatPerSecond"] = "1000", ["Outbox__ChatBurst"] = "1000", ["Outbox__GroupPerMinute"] = "100000",
            },
        };
        _bot = Process.Start(start)!;
        _bot.OutputDataReceived += (_, _) => { };
        _bot.ErrorDataReceived += (_, _) => { };
        _bot.BeginOutputReadLine();
        _bot.BeginErrorReadLine();
    }

    private void Kill()
    {
        if (_bot is null) return;
        _bot.Kill(); // SIGKILL on Linux: no shutdown code runs
        _bot.WaitForExit();
        _bot.Dispose();
        _bot = null;
    }

    [Fact]
    public async Task Killing_the_bot_at_random_moments_loses_no_pledge_and_pays_nothing_twice()
    {
        var random = new Random(42);
        const string token = "9001:crash";
        var chat = new PeerChat(-1009000000001, "supergroup", "崩溃测试群");
        using var users = peer.CreateClient(token);
        await users.SetChatMember(chat.Id, Owner, "creator");
        StartBot(token);
        var games = 0;
        for (var run = 0; run < Runs; run++)
        {
            games++;
            await users.SendCommand(Owner, chat, $"/lottery {Players.Length} 1 奖品{run}");
            foreach (var p in Players) await users.SendCommand(p, chat, "/join");
            await Task.Delay(random.Next(0, 1500));
            Kill();
            await Task.Delay(1200); // let the killed bot's long poll expire at the peer
            StartBot(token);
            foreach (var p in Players) await users.SendCommand(p, chat, "/join"); // joins the killed bot may not have seen
            foreach (var p in Players) await users.SendCommand(p, chat, "/grab");
            await Task.Delay(random.Next(0, 1500));
            Kill();
            await Task.Delay(1200);
            StartBot(token);
            foreach (var p in Players) await users.SendCommand(p, chat, "/grab");
            await users.SendCommand(Owner, chat, "/end"); // settles what is left, or says it is over
            await users.WaitForBotMessage(chat, m => m.Text.Contains($"红包 #{games} 结果"), TimeSpan.FromSeconds(30));
        }
        await Task.Delay(1500);
        Kill();

        using var db = new Database(_dir.File("crash.db"));
        var store = new GameStore(db, NullLogger<GameStore>.Instance);
        var history = await users.History(chat);
        for (var id = 1; id <= games; id++)
        {
            var game = store.Find(chat.Id, id)!;
            Assert.Equal(GameState.Settled, game.State);
            var ledger = store.LedgerOf(id);
            Assert.Equal(ledger.Count, ledger.Select(l => l.Key).Distinct().Count());
            Assert.Equal(game.Players.Select(p => p.UserId).Order(), ledger.Where(l => l.Kind == LedgerKind.Pledge).Select(l => l.UserId).Order());
            Assert.Equal(100, ledger.Where(l => l.Kind == LedgerKind.Share).Sum(l => l.AmountFen));
            Assert.Single(ledger, l => l.Kind == LedgerKind.Prize);
            Assert.InRange(history.Count(m => m.Text.Contains($"红包 #{id} 结果")), 1, 2);
        }
    }

    public void Dispose()
    {
        Kill();
        _dir.Dispose();
    }
}
