using System.Text;
using GroupBot.Chat;
using GroupBot.Commerce;
using GroupBot.Community;
using GroupBot.Storage;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Commerce;

/// <summary>The running bot: orders dropped into its import folder, /me with this month's commission, /team.</summary>
public sealed class TeamAndStatementFlowTests : IAsyncLifetime
{
    private static readonly ChatUser Owner = BotHarness.Owner;
    private static readonly ChatUser Amy = new(601, "Amy", "amy");
    private static readonly ChatUser Bob = new(602, "Bob", "bob");
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir, ("Commerce:OverridePercent", "5"));

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<string> CodeOf(ChatUser user)
    {
        await _bot.Say(user, "hi"); // seen in the group first
        await _bot.SayIn(new ChatInfo(user.Id, ChatKind.Private, user.FirstName), user, "/share chestnut");
        return _bot.Get<DistributorCodes>().Find(user.Id)!;
    }

    [Fact]
    public async Task Orders_dropped_in_the_import_folder_are_credited_with_commission_and_override_and_shown_by_me_and_team()
    {
        var amy = await CodeOf(Amy);
        var bob = await CodeOf(Bob);
        // A member cannot set a team; an admin (the group is untrusted) is refused too; an admin of a trusted group may.
        Assert.Contains("管理员", (await _bot.Say(Amy, "/team @bob @amy")).All());
        Assert.Contains("只有运营或受信任群的管理员", (await _bot.Say(Owner, "/team @bob @amy")).All());
        var group = _bot.Get<Groups>().Find(BotHarness.Chat)!;
        group.Tags[Trust.Tag] = "yes";
        _bot.Get<Database>().Write(() => _bot.Get<Groups>().Save(group));
        Assert.Contains("不能做自己的团长", (await _bot.Say(Owner, "/team @amy @amy")).All());
        Assert.Contains("已设置：@bob 的团长是 @amy", (await _bot.Say(Owner, "/team @bob @amy")).All());
        Assert.Contains("循环", (await _bot.Say(Owner, "/team @amy @bob")).All());

        var folder = _bot.Get<ImportFolder>().Folder;
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "shop.csv"),
            $"order_id,distributor_code,amount,paid_at,status\nS-1,{amy},100,2026-11-22 10:00,paid\nS-2,{bob},200,2026-11-22 11:00,paid\nS-3,NOPE1234,5,2026-11-22 11:00,paid\n",
            Encoding.UTF8);
        // The first round sees the file, the next imports it once it has stopped changing.
        Assert.Empty(await _bot.Get<ImportFolder>().Scan());
        var reportPath = Assert.Single(await _bot.Get<ImportFolder>().Scan());
        var report = await File.ReadAllTextAsync(reportPath);
        Assert.Contains("2 sales credited (¥300.00)", report);
        Assert.Contains("line 4: order S-3: unknown distributor code 'NOPE1234'", report);
        Assert.False(File.Exists(Path.Combine(folder, "shop.csv")));

        // Amy 初级 10% of ¥100 + 5% override on Bob's ¥200 = ¥20.00; Bob 10% of ¥200 = ¥20.00.
        var me = (await _bot.Say(Amy, "/me")).All();
        Assert.Contains("\n本月业绩 ¥100.00 · 佣金 ¥20.00", me);
        Assert.Contains("累计销售 ¥100.00", me);
        var team = (await _bot.Say(Amy, "/team")).All();
        Assert.Contains("团队 1 人：@bob", team);
        Assert.Contains("团队业绩 ¥200.00 · 团长奖励 ¥10.00", team);
        Assert.Contains("本月业绩 ¥200.00 · 佣金 ¥20.00", (await _bot.Say(Bob, "/me")).All());
        // Private chat shows a user their own data only: /me there is Amy's own.
        Assert.Contains("@amy", (await _bot.SayIn(new ChatInfo(Amy.Id, ChatKind.Private, "Amy"), Amy, "/me")).All());

        // A restart keeps it all.
        await _bot.Restart();
        Assert.Contains("佣金 ¥20.00", (await _bot.Say(Amy, "/me")).All());
    }
}
