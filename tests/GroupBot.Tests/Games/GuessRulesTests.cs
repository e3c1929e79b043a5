using GroupBot.Games;
using GroupBot.Games.PriceGuess;

namespace GroupBot.Tests.Games;

public class GuessRulesTests
{
    private static readonly DateTime T0 = new(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);

    private static Game Price(long priceFen = 5990, int tries = 3) =>
        GuessRules.OpenPrice(-100, 1, priceFen, "新品栗子", "新品栗子一袋", 10, tries, T0, T0.AddHours(1));

    private static Game Name() =>
        GuessRules.OpenName(-100, 1, "有机栗仁", ["栗仁", "Organic Chestnut"], "秋天的坚果", "一袋", 10, 3, T0, T0.AddHours(1));

    [Theory]
    [InlineData("59.9")]
    [InlineData("¥59.90")]
    [InlineData("59.9元")]
    [InlineData("５９．９")]
    [InlineData("￥59.9")]
    public void Tolerant_amounts_hit_the_price(string text) =>
        Assert.Equal(GuessResult.ExactFirst, GuessRules.Guess(Price(), 11, "a", text, T0).Result);

    [Fact]
    public void First_exact_wins_the_gift_later_exact_win_the_discount()
    {
        var game = Price();
        Assert.Equal(GuessResult.Wrong, GuessRules.Guess(game, 11, "a", "50", T0).Result);
        var (first, ledger1) = GuessRules.Guess(game, 12, "b", "59.9", T0);
        Assert.Equal(GuessResult.ExactFirst, first);
        Assert.Equal("新品栗子一袋", Assert.Single(ledger1).Note);
        var (later, ledger2) = GuessRules.Guess(game, 11, "a", "59.90", T0);
        Assert.Equal(GuessResult.ExactLater, later);
        Assert.Equal("-10%", Assert.Single(ledger2).Note);
        Assert.Equal(12, game.Guess!.GiftWinner);
        Assert.Equal([11L], game.Guess.DiscountWinners);
        Assert.Equal(GuessResult.AlreadyRight, GuessRules.Guess(game, 12, "b", "59.9", T0).Result);
        Assert.Empty(GuessRules.Settle(game, T0.AddHours(1)));
        Assert.False(game.Guess.WonByClosest);
    }

    [Fact]
    public void Not_an_amount_is_not_counted_and_tries_are_enforced()
    {
        var game = Price(tries: 2);
        Assert.Equal(GuessResult.NotAGuess, GuessRules.Guess(game, 11, "a", "cheap", T0).Result);
        Assert.Equal(GuessResult.NotAGuess, GuessRules.Guess(game, 11, "a", "-5", T0).Result);
        Assert.Equal(0, GuessRules.TriesUsed(game, 11));
        GuessRules.Guess(game, 11, "a", "10", T0);
        GuessRules.Guess(game, 11, "a", "20", T0);
        Assert.Equal(GuessResult.NoTriesLeft, GuessRules.Guess(game, 11, "a", "59.9", T0).Result);
        Assert.Null(game.Guess!.GiftWinner);
    }

    [Fact]
    public void With_no_exact_guess_the_closest_wins_and_a_tie_goes_to_the_earliest()
    {
        var game = Price(priceFen: 6000);
        GuessRules.Guess(game, 11, "a", "55", T0);
        GuessRules.Guess(game, 12, "b", "65", T0.AddMinutes(1));   // 5 away, later than a's
        GuessRules.Guess(game, 13, "c", "70", T0.AddMinutes(2));
        var ledger = GuessRules.Settle(game, T0.AddHours(1));
        Assert.Equal(11, game.Guess!.GiftWinner);
        Assert.True(game.Guess.WonByClosest);
        Assert.Equal(11, Assert.Single(ledger).UserId);
        Assert.Equal(GameState.Settled, game.State);
    }

    [Fact]
    public void Nobody_guessed_nobody_wins()
    {
        var game = Price();
        Assert.Empty(GuessRules.Settle(game, T0));
        Assert.Null(game.Guess!.GiftWinner);
    }

    [Fact]
    public void Guesses_after_close_are_not_counted()
    {
        var game = Price();
        GuessRules.Settle(game, T0);
        Assert.Equal(GuessResult.Ended, GuessRules.Guess(game, 11, "a", "59.9", T0).Result);
        Assert.Empty(game.Guess!.Guesses);
    }

    [Theory]
    [InlineData("有机栗仁")]
    [InlineData("有机 栗仁")]
    [InlineData("栗仁！")]
    [InlineData("organic chestnut")]
    [InlineData("ＯＲＧＡＮＩＣ　ＣＨＥＳＴＮＵＴ")]
    public void Name_variant_compares_normalised_answer_and_aliases(string text) =>
        Assert.Equal(GuessResult.ExactFirst, GuessRules.Guess(Name(), 11, "a", text, T0).Result);

    [Fact]
    public void Name_variant_has_no_closest()
    {
        var game = Name();
        Assert.Equal(GuessResult.Wrong, GuessRules.Guess(game, 11, "a", "核桃", T0).Result);
        Assert.Empty(GuessRules.Settle(game, T0));
        Assert.Null(game.Guess!.GiftWinner);
    }

    [Theory]
    [InlineData("10%", 10)]
    [InlineData("15", 15)]
    [InlineData("9折", 10)]
    [InlineData("8.5折", 15)]
    [InlineData("85折", 15)]
    [InlineData("0", null)]
    [InlineData("100%", null)]
    [InlineData("cheap", null)]
    public void Discounts(string text, int? percentOff) => Assert.Equal(percentOff, GuessRules.ParseDiscount(text));
}
