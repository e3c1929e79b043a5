using System.Text.RegularExpressions;
using GroupBot.Chat;
using GroupBot.Chat.Telegram;
using GroupBot.Outbox;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Security;

/// <summary>Telegram's length limits (issue 11, item 9): every text ≤ 4,096, every caption ≤ 1,024, HTML kept balanced.</summary>
public sealed class LengthLimitTests : IAsyncLifetime
{
    private static readonly ChatUser Owner = BotHarness.Owner;
    private static readonly ChatUser Amy = new(301, "Amy", "amy");
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync()
    {
        _bot = await BotHarness.Start(_dir);
        await _bot.Say(Amy, "hi");
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    private static string Text(List<ChatAction> actions) => actions.OfType<SendText>().Single().Text;

    [Theory]
    [InlineData("/faq ", 4091)]       // the 4,127-character echo
    [InlineData("/top ", 2000)]       // a usage line quoting its argument (was 2,088)
    [InlineData("/g ", 4000)]
    [InlineData("/nope", 4000)]
    public async Task A_reply_quoting_a_huge_argument_fits_in_one_message(string command, int length)
    {
        var input = command + new string('长', length);
        Assert.True(input.Length <= TelegramText.MessageLimit);
        foreach (var from in new[] { Amy, Owner })
            foreach (var text in (await _bot.Say(from, input)).Texts())
            {
                Assert.True(text.Length <= TelegramText.MessageLimit, $"{text.Length} characters");
                if (text.Contains('长')) Assert.Contains("长…", text);
            }
    }

    [Fact]
    public async Task An_award_with_a_huge_reason_is_answered_within_the_limit()
    {
        var text = Text(await _bot.Say(Owner, "/award @amy 5 " + new string('赞', 4000)));
        Assert.Contains("+5", text);
        Assert.Contains("赞…", text);
        Assert.True(text.Length <= 400, $"{text.Length} characters");
    }

    [Fact]
    public void The_outbox_never_stores_a_text_over_the_limit_and_keeps_html_balanced()
    {
        var plain = OutboxItem.From(new SendText(-1, new string('x', 5000)), DateTime.UtcNow);
        Assert.Equal(TelegramText.MessageLimit, plain.Text.Length);
        Assert.EndsWith("…", plain.Text);
        var html = "<b>标题</b>\n" + "<code>" + string.Join("\n", Enumerable.Range(0, 600).Select(i => $"copy line {i}")) + "</code>";
        var item = OutboxItem.From(new SendText(-1, html, Html: true), DateTime.UtcNow);
        Assert.True(item.Text.Length <= TelegramText.MessageLimit);
        Assert.True(TelegramText.IsBalanced(item.Text), item.Text[^40..]);
        var edit = OutboxItem.From(new EditText(-1, 5, new string('y', 9000)), DateTime.UtcNow);
        Assert.True(edit.Text.Length <= TelegramText.MessageLimit);
    }

    [Fact]
    public void A_long_caption_split_inside_code_keeps_every_part_balanced()
    {
        // A photo post: a title, then copy variants in tap-to-copy <code> blocks, one of them crossing the 1,024 mark.
        var copy = string.Join("\n", Enumerable.Range(0, 60).Select(i => $"第 {i} 行 有机栗仁 &amp; 好吃"));
        var text = "<b>今日新品</b>\n" + "<code>" + copy + "</code>\n\n<code>" + copy + "</code>\n<i>end</i>";
        var (caption, following) = TelegramAdapter.SplitCaption(text);
        Assert.True(caption.Length <= TelegramAdapter.CaptionLimit);
        Assert.NotEmpty(following);
        foreach (var part in following.Prepend(caption))
        {
            Assert.True(TelegramText.IsBalanced(part), part);
            Assert.True(part.Length <= TelegramText.MessageLimit);
            Assert.DoesNotMatch("&[a-z]*$", part.Replace("</code>", "").Replace("</i>", "")); // no entity cut in half
        }
        string Plain(string s) => Regex.Replace(s, "<[^>]+>", "").Replace("\n", "");
        Assert.Equal(Plain(text), string.Concat(following.Prepend(caption).Select(Plain)));
    }

    [Fact]
    public void Quotes_of_user_input_are_shortened_with_an_ellipsis_and_never_split_a_surrogate_pair()
    {
        Assert.Equal("abc", TelegramText.Quote("abc"));
        var quoted = TelegramText.Quote(new string('a', 63) + "😀😀😀");
        Assert.True(quoted.Length <= TelegramText.QuoteLimit);
        Assert.EndsWith("…", quoted);
        Assert.False(char.IsHighSurrogate(quoted[^2]));
    }
}
