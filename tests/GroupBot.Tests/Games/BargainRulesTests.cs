using GroupBot.Games;
using GroupBot.Games.Bargain;
using GroupBot.Games.Lottery;

namespace GroupBot.Tests.Games;

/// <summary>The bargain split and its rules, with random seeds and prices: properties that hold for every one.</summary>
public sealed class BargainRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private static Game Open(long list, long floor, int helpers, byte[] seed) =>
        BargainRules.Open(-1, new ChatStarter(1, "@starter"), "p", "栗子", list, floor, helpers, Now, Now.AddHours(24), seed);

    [Fact]
    public void Cuts_sum_to_at_most_list_minus_floor_each_at_least_a_fen_for_random_prices_and_seeds()
    {
        var random = new Random(15);
        for (var run = 0; run < 3000; run++)
        {
            var list = random.NextInt64(2, 2_000_000);
            var floor = random.NextInt64(0, list);
            var helpers = random.Next(1, 101);
            var seed = new byte[32];
            random.NextBytes(seed);
            var game = Open(list, floor, helpers, seed);
            var cuts = BargainRules.Cuts(game.Bargain!);
            Assert.Equal(game.Bargain!.Helpers, cuts.Length);
            Assert.True(cuts.Length <= helpers);
            Assert.All(cuts, c => Assert.True(c >= 1, $"a cut of {c} fen"));
            Assert.Equal(list - floor, cuts.Sum());

            // Played out with fewer helpers than cuts: never below the floor, each cut ≥ ¥0.01.
            var pressing = random.Next(0, cuts.Length + 3);
            for (var h = 0; h < pressing; h++) BargainRules.Help(game, 100 + h, $"h{h}", Now);
            Assert.True(BargainRules.PriceNow(game) >= floor);
            Assert.True(BargainRules.CutSoFar(game) <= list - floor);
            Assert.All(game.Players, p => Assert.True(p.ShareFen >= 1));
        }
    }

    [Fact]
    public void A_gap_smaller_than_the_helpers_is_cut_a_fen_at_a_time()
    {
        var game = Open(1003, 1000, 5, new byte[32]);
        Assert.Equal(3, game.Bargain!.Helpers);
        Assert.Equal([1L, 1, 1], BargainRules.Cuts(game.Bargain));
    }

    [Fact]
    public void One_cut_per_helper_the_starter_cannot_help_and_the_last_cut_reaches_the_floor_exactly()
    {
        var seed = Enumerable.Repeat((byte)7, 32).ToArray();
        var game = Open(1290, 792, 3, seed);
        game.Id = 4;
        Assert.Equal(HelpResult.Self, BargainRules.Help(game, 1, "@starter", Now).Result);
        var first = BargainRules.Help(game, 2, "@b", Now);
        Assert.Equal(HelpResult.Cut, first.Result);
        var again = BargainRules.Help(game, 2, "@b", Now);
        Assert.Equal(HelpResult.AlreadyHelped, again.Result);
        Assert.Equal(first.CutFen, again.CutFen);
        Assert.Single(game.Players);
        Assert.Equal(HelpResult.Cut, BargainRules.Help(game, 3, "@c", Now).Result);
        var last = BargainRules.Help(game, 4, "@d", Now);
        Assert.Equal(HelpResult.CutToFloor, last.Result);
        Assert.Equal(GameState.Settled, game.State);
        Assert.Equal(792, game.Bargain!.FinalFen);
        var coupon = Assert.Single(last.Ledger);
        Assert.Equal(LedgerKind.Coupon, coupon.Kind);
        Assert.Equal(1, coupon.UserId);
        Assert.Equal(792, coupon.AmountFen);
        Assert.Equal(BargainRules.Coupon(4, seed), game.Bargain.Coupon);
        Assert.Equal(HelpResult.Ended, BargainRules.Help(game, 5, "@e", Now).Result);
        // Anyone holding the revealed seed re-derives each cut; the hash posted at opening is the seed's.
        Assert.Equal(BargainRules.Cuts(1290, 792, 3, seed), game.Players.OrderBy(p => p.GrabOrder).Select(p => p.ShareFen!.Value).ToArray());
        Assert.Equal(LotterySplit.Hash(seed), game.Bargain.SeedHash);
    }

    [Fact]
    public void Settling_early_gives_the_price_reached_and_with_no_helper_no_coupon()
    {
        var game = Open(1000, 500, 5, new byte[32]);
        BargainRules.Help(game, 2, "@b", Now);
        var ledger = BargainRules.Settle(game, Now);
        Assert.Equal(1000 - game.Players[0].ShareFen, game.Bargain!.FinalFen);
        Assert.Single(ledger);

        var lonely = Open(1000, 500, 5, new byte[32]);
        Assert.Empty(BargainRules.Settle(lonely, Now));
        Assert.Null(lonely.Bargain!.FinalFen);
        Assert.Null(lonely.Bargain.Coupon);
    }

    [Fact]
    public void Coupons_differ_by_game_and_seed()
    {
        var a = BargainRules.Coupon(1, new byte[32]);
        Assert.NotEqual(a, BargainRules.Coupon(2, new byte[32]));
        Assert.NotEqual(a, BargainRules.Coupon(1, Enumerable.Repeat((byte)1, 32).ToArray()));
        Assert.Matches("^KJ1-[0-9A-F]{6}$", a);
    }

    [Fact]
    public void The_verify_tool_re_derives_a_bargain_s_cuts_from_its_revealed_seed()
    {
        var seed = Enumerable.Repeat((byte)9, 32).ToArray();
        var game = Open(1290, 690, 5, seed);
        var output = new StringWriter();
        Assert.Equal(0, LotteryVerify.Run(["lottery", game.Bargain!.SeedHex, Money.Format(1290 - 690), "5"], output, new StringWriter()));
        foreach (var (cut, k) in BargainRules.Cuts(game.Bargain).Select((c, i) => (c, i + 1)))
            Assert.Contains($"{k,4}. {Money.Format(cut)}", output.ToString());
        Assert.Contains(game.Bargain.SeedHash, output.ToString());
    }
}
