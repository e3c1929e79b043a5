using GroupBot.Games;
using GroupBot.Games.GroupBuy;

namespace GroupBot.Tests.Games;

public class GroupBuyRulesTests
{
    private static readonly DateTime T0 = new(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);

    private static Game Buy(string tiers = "3:65,5:61,10:55")
    {
        var parsed = GroupBuyRules.ParseTiers(tiers, 6900).Tiers!;
        return GroupBuyRules.Open(-100, 1, "有机栗仁", 6900, parsed, 100, 10, T0, T0.AddDays(1));
    }

    [Fact]
    public void Parses_rising_headcounts_and_falling_prices()
    {
        var (tiers, reason, _) = GroupBuyRules.ParseTiers("3:65，5：61,10:¥55", 6900);
        Assert.Null(reason);
        Assert.Equal([(3, 6500L), (5, 6100L), (10, 5500L)], tiers!.Select(t => (t.Headcount, t.PriceFen)));
    }

    [Theory]
    [InlineData("3:55,5:61,10:59", "tier_price_not_falling", "5:61")]   // seed 000's own typo
    [InlineData("5:61,3:65", "tier_headcount_not_rising", "3:65")]
    [InlineData("3:65,3:60", "tier_headcount_not_rising", "3:60")]
    [InlineData("3:69", "tier_not_below_price", "3:69")]
    [InlineData("3:70", "tier_not_below_price", "3:70")]
    [InlineData("3:0", "tier_not_below_price", "3:0")]
    [InlineData("1:60", "tier_headcount", "1:60")]
    [InlineData("3-65", "tier_form", "3-65")]
    [InlineData("x:65", "tier_form", "x:65")]
    [InlineData("", "tiers_missing", "")]
    public void Refuses_bad_tiers_with_the_reason(string text, string reason, string part)
    {
        var result = GroupBuyRules.ParseTiers(text, 6900);
        Assert.Null(result.Tiers);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(part, result.Part);
    }

    [Fact]
    public void Live_tier_and_how_many_more_for_the_next()
    {
        var part = Buy().GroupBuy!;
        Assert.Null(GroupBuyRules.Reached(part, 2));
        Assert.Equal((3, 1), (GroupBuyRules.Next(part, 2)!.Value.Tier.Headcount, GroupBuyRules.Next(part, 2)!.Value.More));
        Assert.Equal(6500, GroupBuyRules.Reached(part, 4)!.PriceFen);
        Assert.Equal(1, GroupBuyRules.Next(part, 4)!.Value.More);
        Assert.Equal(5500, GroupBuyRules.Reached(part, 12)!.PriceFen);
        Assert.Null(GroupBuyRules.Next(part, 10));
    }

    [Fact]
    public void Join_pledges_the_deposit_once_and_leave_releases_it()
    {
        var game = Buy();
        var (joined, ledger) = GroupBuyRules.Join(game, 11, "a", T0);
        Assert.Equal(BuyJoinResult.Joined, joined);
        Assert.Equal((LedgerKind.Pledge, 100L), (ledger[0].Kind, ledger[0].AmountFen));
        Assert.Equal(BuyJoinResult.AlreadyJoined, GroupBuyRules.Join(game, 11, "a", T0).Result);
        var (left, release) = GroupBuyRules.Leave(game, 11, T0);
        Assert.Equal(LeaveResult.Left, left);
        Assert.Equal(LedgerKind.Release, release[0].Kind);
        Assert.Equal(LeaveResult.NotPlayer, GroupBuyRules.Leave(game, 11, T0).Result);
        // Joining again pledges again under a fresh key.
        var again = GroupBuyRules.Join(game, 11, "a", T0).Ledger.Single();
        Assert.NotEqual(ledger[0].Key, again.Key);
    }

    [Fact]
    public void The_highest_tier_reached_sets_everyones_price()
    {
        var game = Buy();
        for (var i = 0; i < 6; i++) GroupBuyRules.Join(game, 11 + i, $"u{i}", T0);
        var ledger = GroupBuyRules.Settle(game, T0.AddDays(1));
        Assert.Equal(6100, game.GroupBuy!.FinalPriceFen);
        Assert.Equal(6, ledger.Count(l => l.Kind == LedgerKind.Order && l.AmountFen == 6100));
        Assert.Equal(GameState.Settled, game.State);
    }

    [Fact]
    public void Below_the_lowest_tier_the_buy_fails_and_each_gets_deposit_plus_bonus()
    {
        var game = Buy();
        GroupBuyRules.Join(game, 11, "a", T0);
        GroupBuyRules.Join(game, 12, "b", T0);
        var ledger = GroupBuyRules.Settle(game, T0.AddDays(1));
        Assert.Null(game.GroupBuy!.FinalPriceFen);
        Assert.Equal(110, ledger.Where(l => l.UserId == 11).Sum(l => l.AmountFen));
        Assert.Equal([LedgerKind.Refund, LedgerKind.Bonus], ledger.Where(l => l.UserId == 12).Select(l => l.Kind));
        Assert.Equal(BuyJoinResult.NotOpen, GroupBuyRules.Join(game, 13, "c", T0).Result);
        Assert.Equal(LeaveResult.NotOpen, GroupBuyRules.Leave(game, 11, T0).Result);
    }

    [Fact]
    public void Cancel_refunds_deposits()
    {
        var game = Buy();
        GroupBuyRules.Join(game, 11, "a", T0);
        var ledger = GroupBuyRules.Cancel(game, T0);
        Assert.Equal((LedgerKind.Refund, 100L), (ledger.Single().Kind, ledger.Single().AmountFen));
        Assert.Equal(GameState.Cancelled, game.State);
    }
}
