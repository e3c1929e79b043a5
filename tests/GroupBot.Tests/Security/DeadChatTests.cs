using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Pipeline;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Security;

/// <summary>A chat that answers 403 or "chat not found" is marked inactive and skipped until the bot is added again (issue 11, item 13).</summary>
public sealed class DeadChatTests : IAsyncLifetime
{
    private static readonly ChatInfo GroupA = new(-2001, ChatKind.Supergroup, "A 群");
    private static readonly ChatInfo Kicked = new(-2002, ChatKind.Supergroup, "踢掉机器人的群");
    private readonly TempDir _dir = Repo.Temp();
    private readonly TempDir _root = Repo.Temp().WithBotFiles();
    private BotHarness _bot = null!;

    public async Task InitializeAsync()
    {
        // Two schedules at 10:00 Shanghai (two posts a group a day), no minimum gap between them.
        File.WriteAllText(Path.Combine(_root.Path, "config", "schedules.json"), """
            { "schedules": [
              { "id": "daily", "cron": "0 0 10 * * ?", "template": "daily_product", "products": ["chestnut"] },
              { "id": "logistics", "cron": "0 0 10 * * ?", "template": "logistics" }
            ] }
            """);
        _bot = await BotHarness.Start(_dir, _root.Path, ("Posting:MinGapMinutes", "0"), ("Posting:MaxPostsPerDay", "10"));
        foreach (var g in new[] { GroupA, Kicked }) await _bot.Deliver(new BotAdded(g, null));
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
        _root.Dispose();
    }

    private static int Posts(IEnumerable<ChatAction> actions, long chatId) => actions.OfType<SendText>().Count(s => s.ChatId == chatId && s.Html);

    [Fact]
    public async Task A_kicked_chat_is_marked_inactive_logged_once_skipped_by_schedules_and_served_again_once_re_added()
    {
        // The bot was kicked without Telegram telling it (the update was lost): the next posts get 403.
        _bot.Chat_.Gone[Kicked.Id] = true;
        // Both schedules fire before Telegram's first refusal comes back (a round trip): both posts are tried there.
        _bot.Chat_.HoldRefusals = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _bot.Chat_.Take();
        _bot.Time.Advance(TimeSpan.FromHours(14)); // 20:00 → 10:00 Shanghai
        await _bot.Get<ChatQueues>().Drain();
        _bot.Chat_.HoldRefusals.SetResult();
        var day1 = await _bot.Settle(TimeSpan.Zero);
        Assert.Equal(2, Posts(day1, GroupA.Id));
        Assert.Equal(2, _bot.Chat_.Tries[Kicked.Id]);
        Assert.False(_bot.Get<Groups>().Find(Kicked.Id)!.Active);
        Assert.True(_bot.Get<Groups>().Find(GroupA.Id)!.Active);
        await _bot.AdvanceAll(TimeSpan.FromSeconds(1));
        var lines = _bot.Logs().Where(l => l.Contains(Kicked.Id.ToString())).ToList();
        Assert.Single(lines, l => l.Contains("is gone"));
        Assert.DoesNotContain(lines, l => l.Contains("[ERR]"));

        // The next day nothing is even tried there.
        var day2 = await _bot.AdvanceAll(TimeSpan.FromDays(1));
        Assert.Equal(2, Posts(day2, GroupA.Id));
        Assert.Equal(2, _bot.Chat_.Tries[Kicked.Id]);

        // Added again: served again.
        _bot.Chat_.Gone.TryRemove(Kicked.Id, out _);
        await _bot.Deliver(new BotAdded(Kicked, null));
        var day3 = await _bot.AdvanceAll(TimeSpan.FromDays(1));
        Assert.Equal(2, Posts(day3, Kicked.Id));
    }

    [Fact]
    public void Chat_not_found_and_403_are_gone_other_refusals_are_not()
    {
        Assert.True(new ChatApiException(403, "Forbidden: bot was kicked from the group chat").ChatGone);
        Assert.True(new ChatApiException(400, "Bad Request: chat not found").ChatGone);
        Assert.False(new ChatApiException(400, "Bad Request: message is too long").ChatGone);
        Assert.False(new ChatApiException(429, "Too Many Requests", TimeSpan.FromSeconds(3)).ChatGone);
    }
}
