using GroupBot.Chat;
using GroupBot.Commerce;
using GroupBot.Community;
using GroupBot.Storage;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Commerce;

public sealed class MonthlyReviewTests : IAsyncLifetime
{
    private static readonly string[] Levels = ["初级", "中级", "高级", "金牌"];
    private static readonly Dictionary<string, decimal> Keep = new() { ["中级"] = 100, ["高级"] = 1000, ["金牌"] = 5000 };
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir,
        ("Commerce:Review:Enabled", "true"), ("Commerce:Review:KeepSales:中级", "100"), ("Commerce:Review:KeepSales:高级", "1000"));

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("金牌", 600_000, 1, "金牌")]
    [InlineData("金牌", 499_999, 1, "高级")]
    [InlineData("金牌", 0, 1, "高级")]
    [InlineData("金牌", 0, 3, "初级")]
    [InlineData("金牌", 20_000, 3, "中级")]
    [InlineData("中级", 10_000, 1, "中级")]
    [InlineData("中级", 9_999, 1, "初级")]
    [InlineData("初级", 0, 1, "初级")]
    [InlineData("不存在", 0, 1, "不存在")]
    public void A_month_below_the_keep_line_moves_down_as_far_as_the_sales_allow_within_the_steps(string from, long sales, int steps, string to) =>
        Assert.Equal(to, MonthlyReview.Decide(Levels, from, sales, Keep, steps));

    [Fact]
    public async Task At_the_month_end_those_below_the_line_move_down_once_announced_in_trusted_groups_and_promotion_starts_over()
    {
        var amy = new ChatUser(701, "Amy", "amy");
        var bob = new ChatUser(702, "Bob", "bob");
        var cat = new ChatUser(703, "Cat", "cat");
        await _bot.Say(amy, "hi");
        await _bot.Say(bob, "hi");
        await _bot.Say(cat, "hi");
        var members = _bot.Get<Members>();
        var points = _bot.Get<Points>();
        var group = _bot.Get<Groups>().Find(BotHarness.Chat)!;
        group.Tags[Trust.Tag] = "yes";
        _bot.Get<Database>().Write(() =>
        {
            _bot.Get<Groups>().Save(group);
            foreach (var (id, level, admin) in new[] { (amy.Id, "中级", false), (bob.Id, "中级", false), (cat.Id, "高级", true) })
            {
                var m = members.Find(id)!;
                m.Level = level;
                m.LevelSetByAdmin = admin;
                members.Save(m);
            }
            // Bob sold ¥150 in November (a /sale-style entry); Amy only ¥20.
            points.Add(BotHarness.Chat, bob.Id, PointKind.Sale, 0, "x", 1, key: "t1", salesFen: 15_000);
            points.Add(BotHarness.Chat, amy.Id, PointKind.Sale, 0, "x", 1, key: "t2", salesFen: 2_000);
            points.Add(BotHarness.Chat, amy.Id, PointKind.Award, 150, "x", 1, key: "t0");
        });
        Assert.Empty(await _bot.Get<MonthlyReview>().RunDue()); // October was reviewed at start (nothing to do then)

        // 2026-12-01 00:01 Shanghai.
        var actions = await _bot.AdvanceAll(new DateTimeOffset(2026, 11, 30, 16, 1, 0, TimeSpan.Zero) - _bot.Time.GetUtcNow());
        var announcement = actions.OfType<SendText>().Single(s => s.Text.Contains("2026-11 月度等级考核"));
        Assert.Contains("@amy：中级 → 初级（业绩 ¥20.00，保级线 ¥100.00）", announcement.Text);
        Assert.DoesNotContain("@bob", announcement.Text);
        Assert.Equal("初级", members.Find(amy.Id)!.Level);
        Assert.Equal("中级", members.Find(bob.Id)!.Level);
        Assert.Equal("高级", members.Find(cat.Id)!.Level); // set by an admin: not reviewed

        // Once per month, also across a restart.
        Assert.Empty(await _bot.Get<MonthlyReview>().RunDue());
        await _bot.Restart();
        var after = await _bot.AdvanceAll(TimeSpan.FromMinutes(2));
        Assert.DoesNotContain(after.OfType<SendText>(), s => s.Text.Contains("月度等级考核"));

        // Amy's old all-time points do not promote her straight back: only what she earns from now on counts.
        points = _bot.Get<Points>();
        _bot.Get<Database>().Write(() => points.Add(BotHarness.Chat, amy.Id, PointKind.Award, 10, "x", 1, key: "t3"));
        Assert.Equal(160, points.TotalPoints(amy.Id));
        Assert.Equal("初级", _bot.Get<Members>().Find(amy.Id)!.Level);
        _bot.Get<Database>().Write(() => points.Add(BotHarness.Chat, amy.Id, PointKind.Award, 95, "x", 1, key: "t4"));
        Assert.Equal("中级", _bot.Get<Members>().Find(amy.Id)!.Level);
    }
}
