using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Storage;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupBot.Tests.Community;

/// <summary>The points and sales ledger, automatic promotion and the leaderboard, without the bot around them.</summary>
public sealed class PointsTests : IDisposable
{
    private const long ChatA = -1001, ChatB = -1002;
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private readonly TempDir _dir = Repo.Temp();
    private readonly Database _db;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly Options _options = new();
    private readonly Members _members;
    private readonly Points _points;
    private readonly GroupsFile _groupsFile;

    public PointsTests()
    {
        _db = new Database(_dir.File("points.db"));
        _members = new Members(_db, _time);
        // Both chats are listed by the operator (trusted), so their records count brand-wide.
        var groups = new Groups(_db, new BotOpts(), _time);
        File.WriteAllText(_dir.File("groups.json"), $$"""{ "groups": [ { "id": {{ChatA}} }, { "id": {{ChatB}} } ] }""");
        groups.File.Load(_dir.File("groups.json"));
        _groupsFile = groups.File;
        _points = new Points(_db, _members, _options, _time, new Trust(groups, new BotOpts()));
        foreach (var id in new long[] { 1, 2, 3 }) _members.Seen(new ChatUser(id, $"U{id}", $"u{id}"));
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void The_running_totals_agree_with_the_ledger_for_every_board_and_follow_a_change_of_trust()
    {
        var rng = new Random(3);
        const long Untrusted = -1003;
        for (var i = 0; i < 600; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(37));
            var chat = (i % 3) switch { 0 => ChatA, 1 => ChatB, _ => Untrusted };
            _points.Add(chat, 1 + rng.Next(5), i % 4 == 0 ? PointKind.Sale : PointKind.Award, rng.Next(-5, 40), "x", 0, salesFen: i % 4 == 0 ? rng.Next(100, 9999) : 0);
        }
        var ledger = _db.Table<string, PointEntry>("points", e => e.Key).All();
        IReadOnlyList<Standing> Naive(DateTime? since, Func<PointEntry, bool> seen, string by) => ledger
            .Where(e => (since is null || e.Utc >= since) && seen(e)).GroupBy(e => e.UserId)
            .Select(g => new Standing(g.Key, g.Sum(e => e.Points), g.Sum(e => e.SalesFen), g.Count(e => e.Kind == PointKind.Recruit)))
            .Where(s => s.Points != 0 || s.SalesFen != 0 || s.Recruits > 0)
            .OrderByDescending(s => by == "sales" ? s.SalesFen : s.Points).ThenBy(s => s.UserId).ToList();
        var week = _time.GetUtcNow().UtcDateTime.AddDays(-7);
        foreach (var by in new[] { "points", "sales" })
        {
            Assert.Equal(Naive(null, e => e.ChatId != Untrusted, by), _points.Board(null, null, by));
            Assert.Equal(Naive(null, _ => true, by), _points.Board(null, null, by, Untrusted)); // its own records count there
            Assert.Equal(Naive(week, e => e.ChatId != Untrusted, by), _points.Board(week, null, by));
            Assert.Equal(Naive(null, e => e.ChatId == ChatB || e.ChatId == Untrusted, by), _points.Board(null, new HashSet<long> { ChatB, Untrusted }, by));
            Assert.Equal(Naive(null, e => e.ChatId != Untrusted, by).Take(3), _points.Top(3, null, null, by));
        }
        var board = _points.Board(null, null, "points");
        Assert.Equal((1, board.Count), _points.RankOf(board[0].UserId, null));
        Assert.Equal((board.Count, board.Count), _points.RankOf(board[^1].UserId, ChatA));
        Assert.Equal(Naive(week, e => e.ChatId != Untrusted, "sales").Take(2), _points.Top(2, week, null, "sales"));
        _points.Add(ChatA, 4, PointKind.Award, 5, "x", 0); // the ordered boards follow new entries
        ledger = _db.Table<string, PointEntry>("points", e => e.Key).All();
        Assert.Equal(Naive(week, e => e.ChatId != Untrusted, "points").Take(5), _points.Top(5, week, null, "points"));
        Assert.Equal(Naive(null, e => e.ChatId != Untrusted, "points").Take(5), _points.Top(5, null, null, "points"));

        // The operator lists the third group: its records now count brand-wide.
        File.WriteAllText(_dir.File("groups.json"), $$"""{ "groups": [ { "id": {{ChatA}} }, { "id": {{ChatB}} }, { "id": {{Untrusted}} } ] }""");
        _groupsFile.Load(_dir.File("groups.json"));
        Assert.Equal(Naive(null, _ => true, "points"), _points.Board(null, null, "points"));

        // What the current event wrote counts before it commits, and not after it fails.
        using (_db.Begin())
        {
            _points.Add(ChatA, 99, PointKind.Award, 1_000_000, "x", 0);
            Assert.Equal(99, _points.Top(1, null, null, "points")[0].UserId);
        }
        Assert.NotEqual(99, _points.Top(1, null, null, "points")[0].UserId);
    }

    [Fact]
    public void An_entry_with_a_key_is_written_once()
    {
        Assert.True(_points.Add(ChatA, 1, PointKind.Game, 10, "win", 0, key: "game:1"));
        Assert.False(_points.Add(ChatA, 1, PointKind.Game, 10, "win", 0, key: "game:1"));
        Assert.True(_points.Add(ChatA, 1, PointKind.Award, 5, "copy", 9));
        Assert.True(_points.Add(ChatA, 1, PointKind.Award, 5, "copy", 9)); // awards without a key are separate entries
        Assert.Equal(20, _points.TotalPoints(1));
    }

    [Fact]
    public void Sales_are_kept_in_fen_beside_points()
    {
        _points.Add(ChatA, 1, PointKind.Sale, 0, "ten boxes", 9, salesFen: 69_000);
        _points.Add(ChatB, 1, PointKind.Sale, 0, "", 9, salesFen: 150);
        Assert.Equal(69_150, _points.TotalSales(1));
        Assert.Equal(0, _points.TotalPoints(1));
    }

    [Theory]
    [InlineData(99, 0, "初级")]
    [InlineData(100, 0, "中级")]
    [InlineData(500, 0, "高级")]
    [InlineData(2000, 0, "金牌")]
    [InlineData(0, 1_000_000, "金牌")] // ¥10,000 of sales
    [InlineData(0, 999_999, "初级")]
    public void Default_levels_promote_by_points_or_sales(long points, long salesFen, string level)
    {
        _points.Add(ChatA, 1, PointKind.Award, points, "", 9);
        if (salesFen > 0) _points.Add(ChatA, 1, PointKind.Sale, 0, "", 9, salesFen: salesFen);
        Assert.Equal(level, _members.Find(1)!.Level);
    }

    [Fact]
    public void Promotion_never_lowers_a_level_neither_after_a_deduction_nor_below_an_admins_choice()
    {
        _points.Add(ChatA, 1, PointKind.Award, 150, "", 9);
        Assert.Equal("中级", _members.Find(1)!.Level);
        _points.Add(ChatA, 1, PointKind.Award, -100, "", 9);
        Assert.Equal("中级", _members.Find(1)!.Level);

        var admin = _members.Find(2)!;
        admin.Level = "高级";
        _members.Save(admin);
        _points.Add(ChatA, 2, PointKind.Award, 120, "", 9);
        Assert.Equal("高级", _members.Find(2)!.Level);
    }

    [Fact]
    public void Levels_without_thresholds_are_given_only_by_an_admin()
    {
        _options.CurrentValue.Levels = [new() { Name = "C", MinPoints = 0 }, new() { Name = "B" }, new() { Name = "A", MinSales = 500 }];
        _points.Add(ChatA, 1, PointKind.Award, 1000, "", 9);
        Assert.Equal("C", _members.Find(1)!.Level);
        _points.Add(ChatA, 1, PointKind.Sale, 0, "", 9, salesFen: 50_000);
        Assert.Equal("A", _members.Find(1)!.Level);
    }

    [Fact]
    public void The_board_ranks_by_the_measure_asked_within_the_period_and_chats()
    {
        _points.Add(ChatA, 1, PointKind.Award, 30, "", 9);
        _points.Add(ChatA, 2, PointKind.Sale, 0, "", 9, salesFen: 5000);
        _points.Add(ChatB, 3, PointKind.Recruit, 20, "", 0);
        _time.Advance(TimeSpan.FromDays(1));
        var since = _time.GetUtcNow().UtcDateTime;
        _points.Add(ChatB, 2, PointKind.Award, 10, "", 9);

        Assert.Equal([1L, 3, 2], _points.Board(null, null, "points").Select(s => s.UserId));
        // Only people with sales are on a sales board (issue 12: no "¥0.00" rows).
        Assert.Equal([2L], _points.Board(null, null, "sales").Select(s => s.UserId));
        Assert.Equal(3, _points.Board(null, null, "recruits")[0].UserId);
        Assert.Equal([2L], _points.Board(since, null, "points").Select(s => s.UserId));
        Assert.Equal([1L], _points.Board(null, new HashSet<long> { ChatA }, "points").Select(s => s.UserId)); // 2 has no points in A
        Assert.Equal(new Standing(2, 10, 5000, 0), _points.Board(null, null, "sales")[0]);
    }

    [Fact]
    public void Weeks_start_on_monday_and_months_on_the_first_in_the_groups_time_zone()
    {
        // Sunday 20:00 in Shanghai.
        var (week, month) = Points.PeriodStarts(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero), Shanghai);
        Assert.Equal(new DateTime(2026, 11, 15, 16, 0, 0), week);
        Assert.Equal(new DateTime(2026, 10, 31, 16, 0, 0), month);
        // Sunday 17:00 UTC is already Monday 01:00 in Shanghai: a new week.
        (week, _) = Points.PeriodStarts(new DateTimeOffset(2026, 11, 22, 17, 0, 0, TimeSpan.Zero), Shanghai);
        Assert.Equal(new DateTime(2026, 11, 22, 16, 0, 0), week);
        // …but not yet in London.
        (week, _) = Points.PeriodStarts(new DateTimeOffset(2026, 11, 22, 17, 0, 0, TimeSpan.Zero), TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        Assert.Equal(new DateTime(2026, 11, 16, 0, 0, 0), week);
    }

    private sealed class BotOpts : IOptionsMonitor<GroupBot.Hosting.BotOptions>
    {
        public GroupBot.Hosting.BotOptions CurrentValue { get; } = new();
        public GroupBot.Hosting.BotOptions Get(string? name) => CurrentValue;
        public IDisposable? OnChange(Action<GroupBot.Hosting.BotOptions, string?> listener) => null;
    }

    private sealed class Options : IOptionsMonitor<CommunityOptions>
    {
        public CommunityOptions CurrentValue { get; } = new();
        public CommunityOptions Get(string? name) => CurrentValue;
        public IDisposable? OnChange(Action<CommunityOptions, string?> listener) => null;
    }
}
