using GroupBot.Games;

namespace GroupBot.Tests.Games;

public class MoneyTests
{
    [Theory]
    [InlineData("1", 100)]
    [InlineData("1.5", 150)]
    [InlineData("¥1.50", 150)]
    [InlineData("￥1.5", 150)]
    [InlineData("1.5元", 150)]
    [InlineData("１．５", 150)]
    [InlineData("￥５９．９", 5990)]
    [InlineData("0.01", 1)]
    [InlineData(".5", 50)]
    [InlineData("59.", 5900)]
    [InlineData(" 69 ", 6900)]
    [InlineData("0", 0)]
    public void Parses_yuan_into_fen(string text, long fen)
    {
        Assert.True(Money.TryParse(text, out var value), text);
        Assert.Equal(fen, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1.234")]
    [InlineData("abc")]
    [InlineData("1,5")]
    [InlineData("1e3")]
    [InlineData("99999999999999999999")]
    [InlineData("1000001")]
    [InlineData("¥")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData(null)]
    public void Rejects_what_is_not_an_amount(string? text) => Assert.False(Money.TryParse(text, out _));

    [Theory]
    [InlineData(150, "¥1.50")]
    [InlineData(1, "¥0.01")]
    [InlineData(6900, "¥69.00")]
    [InlineData(-110, "-¥1.10")]
    public void Formats_fen_as_yuan(long fen, string text) => Assert.Equal(text, Money.Format(fen));
}
