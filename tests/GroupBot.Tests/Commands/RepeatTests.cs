using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Commands;

/// <summary>One member cannot silence a group by repeating a command: the same answer is not sent twice in a row.</summary>
public sealed class RepeatTests : IAsyncLifetime
{
    private static readonly ChatUser Mallory = new(666, "Mallory", "mallory");
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir);

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_members_repeated_command_is_answered_once_within_the_window_and_again_after_it()
    {
        var replies = new List<int>();
        for (var i = 0; i < 20; i++) replies.Add((await _bot.Say(Mallory, "/help")).OfType<SendText>().Count());
        Assert.Equal([1, .. Enumerable.Repeat(0, 19)], replies);
        await _bot.AdvanceAll(CommandRouter.RepeatWindow);
        Assert.Single((await _bot.Say(Mallory, "/help")).OfType<SendText>());
        // Another member, and the group's admin, are answered as usual.
        Assert.Single((await _bot.Say(new ChatUser(667, "Amy", "amy"), "/help")).OfType<SendText>());
        Assert.Single((await _bot.Say(BotHarness.Owner, "/help")).OfType<SendText>());
        Assert.Single((await _bot.Say(BotHarness.Owner, "/help")).OfType<SendText>());
    }

    [Fact]
    public async Task A_game_command_asks_Telegram_for_the_admins_only_when_the_repeat_rule_would_hold_an_answer_back()
    {
        var before = _bot.Chat_.AdminLookups;
        Assert.Single((await _bot.Say(Mallory, "/games")).OfType<SendText>());
        Assert.Equal(before, _bot.Chat_.AdminLookups);
        Assert.Empty((await _bot.Say(Mallory, "/games")).OfType<SendText>());
        Assert.Equal(before + 1, _bot.Chat_.AdminLookups);
        // An admin's repeat is answered, as with a command that asks for the role at once.
        Assert.Single((await _bot.Say(BotHarness.Owner, "/games")).OfType<SendText>());
        Assert.Single((await _bot.Say(BotHarness.Owner, "/games")).OfType<SendText>());
    }
}
