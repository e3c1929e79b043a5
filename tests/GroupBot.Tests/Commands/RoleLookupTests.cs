using GroupBot.Chat;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Commands;

/// <summary>The caller's role is asked of Telegram only when it changes what a command does.</summary>
public sealed class RoleLookupTests : IAsyncLifetime
{
    private static readonly ChatUser Amy = new(201, "Amy", "amy");
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir);

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_question_to_the_faq_does_not_ask_for_the_groups_admins_but_an_edit_and_help_do()
    {
        var answer = await _bot.Say(Amy, "/faq 发货");
        Assert.NotEmpty(answer.OfType<SendText>());
        Assert.Equal(0, _bot.Chat_.AdminLookups);

        var refused = (await _bot.Say(Amy, "/faq add 新问题 新答案")).OfType<SendText>().Single().Text;
        Assert.Equal(1, _bot.Chat_.AdminLookups);
        Assert.Contains("管理员", refused); // a member may not edit: the role was asked, and it says no
        Assert.DoesNotContain("新问题", (await _bot.Say(Amy, "/faq")).OfType<SendText>().Single().Text);
        await _bot.Say(Amy, "/help");
        Assert.True(_bot.Chat_.AdminLookups >= 1);
    }
}
