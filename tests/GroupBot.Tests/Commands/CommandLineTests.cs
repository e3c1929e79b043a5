using GroupBot.Commands;

namespace GroupBot.Tests.Commands;

public class CommandLineTests
{
    [Theory]
    [InlineData("/faq", "faq", null)]
    [InlineData("/FAQ 物流", "faq", null)]
    [InlineData("/faq@GroupBot 物流", "faq", "GroupBot")]
    [InlineData("／ｆａｑ　物流", "faq", null)]
    [InlineData("  /help", "help", null)]
    public void Parses_name_and_addressee(string text, string name, string? addressee)
    {
        var line = CommandLine.Parse(text)!;
        Assert.Equal(name, line.Name);
        Assert.Equal(addressee, line.Addressee);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello /faq")]
    [InlineData("/")]
    [InlineData("/ faq")]
    [InlineData("/fa-q")]
    [InlineData("//x")]
    [InlineData("/物流")]
    public void Not_a_command(string text) => Assert.Null(CommandLine.Parse(text));

    [Fact]
    public void Null_is_not_a_command() => Assert.Null(CommandLine.Parse(null));

    [Fact]
    public void A_command_for_another_bot_is_not_for_us()
    {
        var line = CommandLine.Parse("/faq@OtherBot x")!;
        Assert.False(line.IsFor("GroupBot"));
        Assert.True(CommandLine.Parse("/faq@groupbot x")!.IsFor("GroupBot"));
        Assert.True(CommandLine.Parse("/faq x")!.IsFor("GroupBot"));
    }

    [Fact]
    public void Splits_positional_quoted_and_full_width_space()
    {
        var line = CommandLine.Parse("/faq add \"退货 流程\"　七天无理由 “中文 引号”")!;
        var args = new CommandArgs(line, []);
        Assert.Equal(["add", "退货 流程", "七天无理由", "中文 引号"], args.Positional);
    }

    [Fact]
    public void Options_anywhere_when_declared()
    {
        var line = CommandLine.Parse("/lottery 10 stake=2 ¥1 mode＝best 小熊 玩偶 deadline=30m")!;
        var args = new CommandArgs(line, ["stake", "mode", "deadline"]);
        Assert.Equal(["10", "¥1", "小熊", "玩偶"], args.Positional);
        Assert.Equal("2", args.Options["stake"]);
        Assert.Equal("best", args.Options["mode"]);
        Assert.Equal("30m", args.Options["deadline"]);
        Assert.Empty(args.UnknownOptions);
        Assert.Equal("小熊 玩偶", args.Rest(2));
    }

    [Fact]
    public void Unknown_options_are_reported_not_dropped()
    {
        var args = new CommandArgs(CommandLine.Parse("/lottery 10 1 prize colour=red")!, ["stake"]);
        Assert.Equal(["colour"], args.UnknownOptions);
    }

    [Fact]
    public void Without_declared_options_key_value_is_plain_text()
    {
        var args = new CommandArgs(CommandLine.Parse("/faq add 公式 a=b  然后   c=d")!, []);
        Assert.Empty(args.UnknownOptions);
        Assert.Equal("a=b  然后   c=d", args.Rest(2));
    }

    [Fact]
    public void Rest_keeps_line_breaks_and_spacing()
    {
        var args = new CommandArgs(CommandLine.Parse("/faq add 发货 第一行\n第二行  有空格")!, []);
        Assert.Equal("第一行\n第二行  有空格", args.Rest(2));
        Assert.Equal("", args.Rest(5));
    }

    [Fact]
    public void Unclosed_quote_is_literal()
    {
        var args = new CommandArgs(CommandLine.Parse("/faq \"abc def")!, []);
        Assert.Equal(["\"abc", "def"], args.Positional);
    }

    [Fact]
    public void Hostile_input_does_not_throw()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var chars = Enumerable.Range(0, random.Next(0, 300)).Select(_ => (char)random.Next(0, 0xFFFF)).ToArray();
            var text = (i % 2 == 0 ? "/faq " : "/") + new string(chars);
            var line = CommandLine.Parse(text);
            if (line is null) continue;
            var args = new CommandArgs(line, ["stake", "mode"]);
            for (var k = 0; k <= args.Count; k++) _ = args.Rest(k);
        }
    }
}
