using GroupBot.Games;
using GroupBot.Games.Lottery;

namespace GroupBot.Tests.Games;

public class LotteryRulesTests
{
    private static readonly DateTime T0 = new(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);
    private static readonly byte[] Seed = Convert.FromHexString("5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed");

    private static Game NewGame(int slots = 3, long pot = 100, long stake = 100, LotteryMode mode = LotteryMode.Worst) =>
        LotteryRules.Open(-100, 1, slots, pot, stake, "栗子一袋", mode, T0, T0.AddHours(1), TimeSpan.FromMinutes(10), Seed);

    [Theory]
    [InlineData(1, 100, 100, "slots_too_few")]
    [InlineData(0, 100, 100, "slots_too_few")]
    [InlineData(10_000, 100_000, 100, "slots_too_many")]
    [InlineData(10, 9, 100, "pot_too_small")]
    [InlineData(10, 20_001, 100, "pot_too_big")]
    [InlineData(10, 100, 100_001, "stake_too_big")]
    [InlineData(10, 100, 100, null)]
    [InlineData(10, 10, 0, null)]
    public void Checks_the_numbers(int slots, long pot, long stake, string? reason) =>
        Assert.Equal(reason, LotteryRules.Check(slots, pot, stake));

    [Fact]
    public void Opening_posts_the_hash_of_the_seed_and_keeps_the_seed()
    {
        var game = NewGame();
        Assert.Equal(LotterySplit.Hash(Seed), game.Lottery!.SeedHash);
        Assert.Equal(Convert.ToHexStringLower(Seed), game.Lottery.SeedHex);
        Assert.Equal(GameState.Open, game.State);
    }

    [Fact]
    public void A_player_joins_once_and_pledges_the_stake()
    {
        var game = NewGame();
        var (result, ledger) = LotteryRules.Join(game, 11, "alice", T0);
        Assert.Equal(JoinResult.Joined, result);
        var pledge = Assert.Single(ledger);
        Assert.Equal((LedgerKind.Pledge, 100L, 11L), (pledge.Kind, pledge.AmountFen, pledge.UserId));
        Assert.Equal((JoinResult.AlreadyJoined, 0), (LotteryRules.Join(game, 11, "alice", T0).Result, LotteryRules.Join(game, 11, "alice", T0).Ledger.Count));
        Assert.Single(game.Players);
    }

    [Fact]
    public void The_last_slot_fills_it_and_starts_the_grab_window()
    {
        var game = NewGame();
        LotteryRules.Join(game, 11, "a", T0);
        LotteryRules.Join(game, 12, "b", T0);
        Assert.Equal(JoinResult.JoinedAndFull, LotteryRules.Join(game, 13, "c", T0.AddMinutes(5)).Result);
        Assert.Equal(GameState.Full, game.State);
        Assert.Equal(T0.AddMinutes(15), game.DeadlineUtc);
        Assert.Equal(JoinResult.Full, LotteryRules.Join(game, 14, "d", T0).Result);
    }

    [Fact]
    public void Grabbing_before_full_or_by_outsiders_is_refused()
    {
        var game = NewGame();
        LotteryRules.Join(game, 11, "a", T0);
        Assert.Equal(GrabResult.NotFullYet, LotteryRules.Grab(game, 11, T0).Result);
        LotteryRules.Join(game, 12, "b", T0);
        LotteryRules.Join(game, 13, "c", T0);
        Assert.Equal(GrabResult.NotPlayer, LotteryRules.Grab(game, 99, T0).Result);
    }

    [Fact]
    public void The_kth_grabber_gets_the_kth_shuffled_share_once()
    {
        var game = Full(3);
        var shares = LotterySplit.Shares(100, 3, Seed);
        var (r1, s1, _) = LotteryRules.Grab(game, 13, T0);
        Assert.Equal((GrabResult.Grabbed, shares[0]), (r1, s1));
        Assert.Equal((GrabResult.AlreadyGrabbed, shares[0]), (LotteryRules.Grab(game, 13, T0).Result, LotteryRules.Grab(game, 13, T0).ShareFen));
        Assert.Equal(shares[1], LotteryRules.Grab(game, 11, T0).ShareFen);
        var (r3, s3, ledger) = LotteryRules.Grab(game, 12, T0);
        Assert.Equal((GrabResult.GrabbedLast, shares[2]), (r3, s3));
        Assert.Equal(GameState.Settled, game.State);
        Assert.Equal(7, ledger.Count); // stake + share for each of 3, one prize
        Assert.Equal(100, ledger.Where(l => l.Kind == LedgerKind.Share).Sum(l => l.AmountFen));
        Assert.Equal(GrabResult.Ended, LotteryRules.Grab(game, 12, T0).Result);
    }

    [Fact]
    public void Worst_luck_wins_and_a_tie_goes_to_the_earliest_grabber()
    {
        var game = Full(4);
        game.Players[0].ShareFen = 30; game.Players[0].GrabOrder = 3;
        game.Players[1].ShareFen = 10; game.Players[1].GrabOrder = 4;
        game.Players[2].ShareFen = 10; game.Players[2].GrabOrder = 2;
        game.Players[3].ShareFen = 50; game.Players[3].GrabOrder = 1;
        Assert.Equal(13, LotteryRules.Winner(game).UserId);
        game.Lottery!.Mode = LotteryMode.Best;
        Assert.Equal(14, LotteryRules.Winner(game).UserId);
        game.Players[0].ShareFen = 50;
        Assert.Equal(14, LotteryRules.Winner(game).UserId);
    }

    [Fact]
    public void Stragglers_get_the_remaining_shares_in_join_order()
    {
        var game = Full(4);
        var shares = LotterySplit.Shares(100, 4, Seed);
        LotteryRules.Grab(game, 13, T0);           // first grabber: share 0
        var ledger = LotteryRules.CloseGrabbing(game, T0.AddMinutes(10));
        Assert.Equal([shares[1], shares[2], shares[0], shares[3]], game.Players.Select(p => p.ShareFen!.Value));
        Assert.Equal([2, 3, 1, 4], game.Players.Select(p => p.GrabOrder!.Value));
        Assert.Equal(GameState.Settled, game.State);
        Assert.Single(ledger, l => l.Kind == LedgerKind.Prize);
        Assert.Equal(LotteryRules.Winner(game).UserId, game.Lottery!.WinnerUserId);
    }

    [Fact]
    public void Cancelling_refunds_every_stake_in_full()
    {
        var game = NewGame(slots: 5, stake: 150);
        LotteryRules.Join(game, 11, "a", T0);
        LotteryRules.Join(game, 12, "b", T0);
        var refunds = LotteryRules.Cancel(game, T0.AddHours(1));
        Assert.Equal(GameState.Cancelled, game.State);
        Assert.Equal([11L, 12L], refunds.Select(r => r.UserId));
        Assert.All(refunds, r => Assert.Equal((LedgerKind.Refund, 150L), (r.Kind, r.AmountFen)));
        Assert.Throws<InvalidOperationException>(() => LotteryRules.Cancel(game, T0));
    }

    [Fact]
    public void Ledger_keys_are_unique_per_game_user_and_kind()
    {
        var game = Full(3);
        game.Id = 42;
        var ledger = LotteryRules.CloseGrabbing(game, T0);
        Assert.Equal(ledger.Count, ledger.Select(l => l.Key).Distinct().Count());
    }

    private static Game Full(int slots)
    {
        var game = NewGame(slots: slots);
        for (var i = 0; i < slots; i++) LotteryRules.Join(game, 11 + i, $"u{i}", T0);
        return game;
    }
}
