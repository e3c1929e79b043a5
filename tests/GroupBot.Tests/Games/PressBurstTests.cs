using GroupBot.Chat;
using GroupBot.Games;
using GroupBot.Games.Lottery;
using GroupBot.Storage;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Games;

/// <summary>
/// The short form of the press-burst benchmark (tests/GroupBot.Benchmarks `press`): a full lottery's worth of players
/// press Join and then Grab, all at once. Counts only, no times: every press answered exactly once, every player joined
/// and grabbed once, the ledger and the result agree, and the group got its few messages, not one per press.
/// </summary>
public sealed class PressBurstTests : IAsyncLifetime
{
    private const int N = LotteryRules.MaxSlots;
    private static readonly ChatUser[] Players = Enumerable.Range(0, N).Select(i => new ChatUser(1000 + i, $"P{i}", $"p{i}")).ToArray();
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir);

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Every_press_of_a_burst_is_answered_once_and_counted_once()
    {
        await _bot.Say(BotHarness.Owner, $"/lottery {N} {N} 压测奖品");
        var messageId = _bot.Get<SentMessages>().Find("game:1", BotHarness.Chat)!.Value;
        _bot.Chat_.Take();

        async Task Burst(string verb) => await Task.WhenAll(Players.Select((p, i) =>
            _bot.Deliver(new ButtonPressed(BotHarness.Group, p, $"{verb}-{i}", messageId, $"g:1:{verb}"))));
        await Burst("join");
        await Burst("grab");
        var actions = await _bot.Settle(TimeSpan.Zero);

        var answers = actions.OfType<AnswerButton>().Select(a => a.CallbackId).ToList();
        Assert.Equal(2 * N, answers.Count);
        Assert.Equal(2 * N, answers.Distinct().Count()); // every press answered, none twice
        // The group gets a handful of messages (the full notice, coalesced edits, the result), not one per press.
        Assert.InRange(actions.Count(a => a is SendText or EditText), 3, 10);
        var game = _bot.Get<GameStore>().Find(BotHarness.Chat, 1)!;
        Assert.Equal(GameState.Settled, game.State);
        Assert.Equal(Players.Select(p => p.Id).Order(), game.Players.Select(p => p.UserId).Order());
        Assert.All(game.Players, p => Assert.NotNull(p.ShareFen));
        var ledger = _bot.Get<GameStore>().LedgerOf(1);
        Assert.Equal(N, ledger.Count(l => l.Kind == LedgerKind.Pledge));
        Assert.Equal(N, ledger.Count(l => l.Kind == LedgerKind.Share));
        Assert.Equal(N, ledger.Where(l => l.Kind == LedgerKind.Share).Sum(l => l.AmountFen) / 100);
    }

    [Fact]
    public async Task Three_hundred_people_pressing_for_a_hundred_slots_are_each_answered_once_and_only_the_first_hundred_play()
    {
        // Issue 17's press burst: 300 press Join, then all 300 press Grab. The chat's queue takes them in the order
        // Telegram numbered them, so the first 100 are the players; the rest are told it is full, then that they are not in it.
        var crowd = Enumerable.Range(0, 3 * N).Select(i => new ChatUser(5000 + i, $"C{i}", $"c{i}")).ToArray();
        await _bot.Say(BotHarness.Owner, $"/lottery {N} {N} 压测奖品");
        var messageId = _bot.Get<SentMessages>().Find("game:1", BotHarness.Chat)!.Value;
        _bot.Chat_.Take();

        async Task Burst(string verb)
        {
            foreach (var (p, i) in crowd.Select((p, i) => (p, i)))
                await _bot.Deliver(new ButtonPressed(BotHarness.Group, p, $"{verb}-{i}", messageId, $"g:1:{verb}"));
        }
        await Burst("join");
        await Burst("grab");
        var actions = await _bot.Settle(TimeSpan.Zero);

        var answers = actions.OfType<AnswerButton>().ToList();
        Assert.Equal(2 * crowd.Length, answers.Count);
        Assert.Equal(2 * crowd.Length, answers.Select(a => a.CallbackId).Distinct().Count());
        var game = _bot.Get<GameStore>().Find(BotHarness.Chat, 1)!;
        Assert.Equal(GameState.Settled, game.State);
        Assert.Equal(crowd.Take(N).Select(p => p.Id), game.Players.Select(p => p.UserId).Order());
        Assert.All(game.Players, p => Assert.NotNull(p.ShareFen));
        var ledger = _bot.Get<GameStore>().LedgerOf(1);
        Assert.Equal(N, ledger.Count(l => l.Kind == LedgerKind.Pledge));
        Assert.Equal(N, ledger.Count(l => l.Kind == LedgerKind.Share));
        // The 200 who came late got an answer each, and nothing else of the game.
        var late = crowd.Skip(N).Select(p => p.Id).ToHashSet();
        Assert.DoesNotContain(ledger, l => late.Contains(l.UserId));
        Assert.InRange(actions.Count(a => a is SendText or EditText), 3, 10);
    }
}
