using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Community;

/// <summary>Issue 16: groups that approve newcomers (chat_join_request).</summary>
public sealed class JoinRequestTests
{
    private static readonly ChatUser Distributor = new(31, "Dora", "dora");
    private static readonly ChatUser Newcomer = new(32, "Nick", "nick");

    private static async Task<string> LinkOf(BotHarness bot, ChatUser user)
    {
        var reply = (await bot.Say(user, "/mylink")).Texts().Single();
        return System.Text.RegularExpressions.Regex.Match(reply, @"https://t\.me/\+\S+").Value;
    }

    [Fact]
    public async Task With_approval_on_the_bot_approves_and_the_newcomer_is_credited_to_the_links_owner()
    {
        using var dir = Repo.Temp();
        await using var bot = await BotHarness.Start(dir, ("Community:ApproveJoinRequests", "true"));
        var link = await LinkOf(bot, Distributor);
        Assert.NotEmpty(link);

        var actions = await bot.Deliver2(new JoinRequested(BotHarness.Group, Newcomer, link));
        var approve = Assert.Single(actions.OfType<ApproveJoinRequest>());
        Assert.Equal((BotHarness.Chat, Newcomer.Id), (approve.ChatId, approve.UserId));

        // Telegram's join after the approval does not carry the link: the request's is used.
        await bot.Deliver(new MembersJoined(BotHarness.Group, [Newcomer]));
        Assert.Equal(Distributor.Id, bot.Get<Members>().Find(Newcomer.Id)?.InvitedBy);
    }

    [Fact]
    public async Task Without_approval_requests_are_left_to_admins_and_still_credited_when_approved()
    {
        using var dir = Repo.Temp();
        await using var bot = await BotHarness.Start(dir);
        var link = await LinkOf(bot, Distributor);
        Assert.Empty((await bot.Deliver2(new JoinRequested(BotHarness.Group, Newcomer, link))).OfType<ApproveJoinRequest>());
        // A restart between the request and the approval loses nothing.
        await bot.Restart();
        await bot.Deliver(new MembersJoined(BotHarness.Group, [Newcomer]));
        Assert.Equal(Distributor.Id, bot.Get<Members>().Find(Newcomer.Id)?.InvitedBy);
    }
}
