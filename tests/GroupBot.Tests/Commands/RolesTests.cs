using GroupBot.Chat;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Commands;

public sealed class RolesTests : IAsyncLifetime
{
    private static readonly ChatUser Operator = new(777, "Op", "op");
    private static readonly ChatUser Member = new(778, "Mem", "mem");
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir, ("Bot:Operators:0", "777"));

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task An_operator_from_config_is_an_admin_in_every_group_a_member_is_not()
    {
        var other = new ChatInfo(-4242, ChatKind.Supergroup, "另一个群");
        Assert.Contains("已添加本群答案", (await _bot.SayIn(other, Operator, "/faq add 暗号 x")).Texts().Single());
        Assert.Contains("只有群管理员可以使用", (await _bot.SayIn(other, Member, "/faq add 暗号 y")).Texts().Single());
        Assert.Contains("/lottery", (await _bot.SayIn(other, Operator, "/help")).Texts().Single());
        Assert.DoesNotContain("/lottery", (await _bot.SayIn(other, Member, "/help")).Texts().Single());
    }

    [Fact]
    public async Task In_a_private_chat_only_operators_have_admin_rights()
    {
        var dm = new ChatInfo(Member.Id, ChatKind.Private, "Mem");
        Assert.Contains("只有群管理员可以使用", (await _bot.SayIn(dm, Member, "/lottery 2 1 x")).Texts().Single());
        Assert.Contains("请在分销群里发送 /mylink", (await _bot.SayIn(dm, Member, "/mylink")).Texts().Single());
        Assert.Contains("没有 /nope 这个命令", (await _bot.SayIn(dm, Member, "/nope")).Texts().Single());
    }
}
