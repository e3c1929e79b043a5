using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Security;

/// <summary>
/// Who may change what (issue 11, items 1 and 2): anyone can make a group and be its admin, so an untrusted group's
/// records count there only; levels need an operator or an admin of a trusted group; a private chat shows a user their own data.
/// </summary>
public sealed class TrustTests : IAsyncLifetime
{
    private static readonly ChatUser Owner = BotHarness.Owner;
    private static readonly ChatUser Operator = new(900, "运营", "op");
    private static readonly ChatUser Amy = new(301, "Amy", "amy");
    private static readonly ChatUser Ben = new(302, "Ben", "ben");
    private static readonly ChatUser Stranger = new(666, "Stranger", "stranger");
    // A group anyone could create; FakeChat makes Owner an admin there too.
    private static readonly ChatInfo Rogue = new(-3001, ChatKind.Supergroup, "自建群");
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync()
    {
        _bot = await BotHarness.Start(_dir, ("Bot:Operators:0", Operator.Id.ToString()));
        await _bot.Say(Amy, "大家好");
        await _bot.Say(Ben, "你好");
        await _bot.SayIn(Rogue, Amy, "hi");
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    private static string Text(List<ChatAction> actions) => actions.OfType<SendText>().Single().Text;

    [Fact]
    public async Task A_sale_recorded_in_an_untrusted_group_can_be_corrected_there_and_only_down_to_zero()
    {
        await _bot.SayIn(Rogue, Owner, "/sale @amy 100 首单");
        Assert.Contains("超过了已记录的销售 ¥100.00", Text(await _bot.SayIn(Rogue, Owner, "/sale @amy -150 录多了")));
        var fixedUp = Text(await _bot.SayIn(Rogue, Owner, "/sale @amy -30 录多了"));
        Assert.Contains("累计 ¥70.00", fixedUp);
        Assert.Contains("仅计入本群", fixedUp);
        Assert.Equal(7000, _bot.Get<Points>().TotalSales(Amy.Id, Rogue.Id));
        // Brand-wide nothing was recorded, so nothing can be taken back there.
        Assert.Equal(0, _bot.Get<Points>().TotalSales(Amy.Id));
        Assert.Contains("超过了已记录的销售 ¥0.00", Text(await _bot.Say(Owner, "/sale @amy -30 录多了")));
    }

    [Fact]
    public async Task An_untrusted_groups_awards_and_sales_count_in_that_group_only_and_never_promote()
    {
        Assert.Contains("仅计入本群", Text(await _bot.SayIn(Rogue, Owner, "/award @amy 1000")));
        Assert.Contains("仅计入本群", Text(await _bot.SayIn(Rogue, Owner, "/sale @amy 1000000")));

        // In the group that made them they count…
        var there = Text(await _bot.SayIn(Rogue, Amy, "/me"));
        Assert.Contains("积分 1000", there);
        Assert.Contains("@amy 1000 分", Text(await _bot.SayIn(Rogue, Amy, "/top all")));
        // …but brand-wide nothing changed: no points, no sales, no promotion.
        var points = _bot.Get<Points>();
        Assert.Equal(0, points.TotalPoints(Amy.Id));
        Assert.Equal(0, points.TotalSales(Amy.Id));
        Assert.True(_bot.Get<Members>().Find(Amy.Id)!.Level is null or "初级");
        var me = Text(await _bot.Say(Amy, "/me"));
        Assert.Contains("@amy · 初级", me);
        Assert.Contains("积分 0", me);
        Assert.Contains("累计销售 ¥0.00", me);
        Assert.Contains("暂未上榜", me);
        var board = Text(await _bot.Say(Ben, "/top all"));
        Assert.Contains("总积分榜", board);
        Assert.DoesNotContain("@amy", board);
    }

    [Fact]
    public async Task A_board_across_a_tag_leaves_out_untrusted_groups_that_claim_the_tag()
    {
        await _bot.Say(Operator, "/tag trusted=yes city=上海");
        await _bot.SayIn(Rogue, Owner, "/tag city=上海");
        await _bot.SayIn(Rogue, Owner, "/sale @amy 1000000");
        await _bot.Say(Owner, "/sale @ben 88");
        var board = Text(await _bot.Say(Ben, "/top all by=sales tag=city:上海"));
        Assert.Contains("@ben ¥88.00", board);
        Assert.DoesNotContain("@amy", board);
    }

    [Fact]
    public async Task A_trusted_group_or_an_operator_makes_brand_wide_records()
    {
        // Untrusted until an operator tags it; a group admin cannot trust their own group.
        Assert.Contains("只有运营", Text(await _bot.Say(Owner, "/tag trusted=yes")));
        Assert.Contains("只有运营", Text(await _bot.SayIn(Rogue, Owner, "/tag trusted=yes")));
        Assert.Contains("只有运营或受信任群的管理员", Text(await _bot.Say(Owner, "/level @ben 金牌")));
        Assert.Null(_bot.Get<Members>().Find(Ben.Id)!.Level);

        Assert.Contains("trusted=yes", Text(await _bot.Say(Operator, "/tag trusted=yes")));
        var award = Text(await _bot.Say(Owner, "/award @amy 120"));
        Assert.DoesNotContain("仅计入本群", award);
        Assert.Contains("中级", award);
        Assert.Equal(120, _bot.Get<Points>().TotalPoints(Amy.Id));
        Assert.Contains("金牌", Text(await _bot.Say(Owner, "/level @ben 金牌")));
        Assert.Contains("@amy · 中级", Text(await _bot.SayIn(Rogue, Amy, "/me")));

        // An operator's records count brand-wide wherever they are made; a level too.
        Assert.DoesNotContain("仅计入本群", Text(await _bot.SayIn(Rogue, Operator, "/award @ben 5")));
        Assert.Equal(5, _bot.Get<Points>().TotalPoints(Ben.Id));
        Assert.Contains("初级", Text(await _bot.SayIn(Rogue, Operator, "/level @amy 初级")));
        // And an untrusted group's admin still cannot set a level there.
        Assert.Contains("只有运营或受信任群的管理员", Text(await _bot.SayIn(Rogue, Owner, "/level @amy 金牌")));
    }

    [Fact]
    public async Task A_group_listed_in_config_groups_json_is_trusted()
    {
        await using var listed = await BotHarness.Start(Repo.Temp(), ("Bot:Operators:0", Operator.Id.ToString()));
        var brand = new ChatInfo(-1001234567890, ChatKind.Supergroup, "上海分销一群");
        await listed.SayIn(brand, Amy, "hi");
        Assert.DoesNotContain("仅计入本群", Text(await listed.SayIn(brand, Owner, "/award @amy 30")));
        Assert.Equal(30, listed.Get<Points>().TotalPoints(Amy.Id));
    }

    [Fact]
    public async Task A_private_chat_shows_a_user_only_their_own_data()
    {
        await _bot.Say(Operator, "/tag trusted=yes city=上海");
        await _bot.Say(Owner, "/sale @ben 88");
        await _bot.Say(Owner, "/award @amy 30");
        var dm = new ChatInfo(Stranger.Id, ChatKind.Private, "Stranger");
        var refused = Text(await _bot.SayIn(dm, Stranger, "/top all by=sales tag=city:上海"));
        Assert.Contains("私聊里只能查看你自己的数据", refused);
        Assert.DoesNotContain("@ben", refused);
        Assert.DoesNotContain("88", refused);
        Assert.DoesNotContain("@", Text(await _bot.SayIn(dm, Stranger, "/top all")).Replace("@stranger", ""));
        // One's own data is fine in private; the operator sees the brand's boards.
        var amyDm = new ChatInfo(Amy.Id, ChatKind.Private, "Amy");
        Assert.Contains("积分 30", Text(await _bot.SayIn(amyDm, Amy, "/me")));
        var opDm = new ChatInfo(Operator.Id, ChatKind.Private, "运营");
        Assert.Contains("@ben ¥88.00", Text(await _bot.SayIn(opDm, Operator, "/top all by=sales tag=city:上海")));
        // Group figures need that group's admin: /stats in private answers only for groups the caller administers (none here).
        var stats = Text(await _bot.SayIn(dm, Stranger, "/stats"));
        Assert.Contains("你目前不是任何群的管理员", stats);
        Assert.DoesNotContain("上海", stats);
    }
}
