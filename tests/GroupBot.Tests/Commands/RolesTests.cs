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

/// <summary>Admin rights follow promotions and demotions at once; a stale list is not trusted (issue 11, item 4).</summary>
public sealed class StaleAdminTests : IAsyncLifetime
{
    private static readonly ChatUser Owner = BotHarness.Owner;
    private static readonly ChatUser Amy = new(201, "Amy", "amy");
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync()
    {
        _bot = await BotHarness.Start(_dir, ("Bot:AdminCacheSeconds", "120"));
        await _bot.Say(Amy, "hi");
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    private static string Text(List<ChatAction> actions) => actions.OfType<SendText>().Single().Text;

    [Fact]
    public async Task A_promotion_or_demotion_takes_effect_at_once()
    {
        Assert.Contains("只有群管理员", Text(await _bot.Say(Amy, "/faq add 新 答案")));
        Assert.Contains("已添加", Text(await _bot.Say(Owner, "/faq add 旧 答案")));

        // Telegram says Amy was promoted and Owner demoted; the cache (120 s) has not expired.
        _bot.Chat_.Admins.Add(Amy.Id);
        _bot.Chat_.Admins.Remove(Owner.Id);
        await _bot.Deliver2(new AdminsChanged(BotHarness.Group, Amy.Id));
        Assert.Contains("已添加", Text(await _bot.Say(Amy, "/faq add 新 答案")));
        Assert.Contains("只有群管理员", Text(await _bot.Say(Owner, "/faq add 旧 改")));
    }

    [Fact]
    public async Task When_telegram_cannot_be_asked_an_expired_admin_list_is_not_trusted()
    {
        Assert.Contains("已添加", Text(await _bot.Say(Owner, "/faq add 旧 答案")));
        _bot.Chat_.AdminLookupFails = true;
        // Within the cache's lifetime the list stands…
        await _bot.AdvanceAll(TimeSpan.FromSeconds(60));
        Assert.Contains("已更新", Text(await _bot.Say(Owner, "/faq add 旧 答案2")));
        // …past it, and with Telegram unreachable, nobody has admin rights.
        await _bot.AdvanceAll(TimeSpan.FromSeconds(120));
        Assert.Contains("只有群管理员", Text(await _bot.Say(Owner, "/faq add 旧 答案3")));
        _bot.Chat_.AdminLookupFails = false;
        Assert.Contains("已更新", Text(await _bot.Say(Owner, "/faq add 旧 答案4")));
    }
}
