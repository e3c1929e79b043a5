using GroupBot.Hosting;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Faq;
using GroupBot.Storage;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Community;

public sealed class GroupsFileAndReportTests : IAsyncLifetime
{
    private static readonly ChatInfo Listed = new(-1001234567891, ChatKind.Supergroup, "Overseas");
    private static readonly ChatInfo Stranger = new(-1009999, ChatKind.Supergroup, "别人的群");
    private readonly TempDir _dir = Repo.Temp();
    private readonly TempDir _root = Repo.Temp().WithBotFiles();
    private BotHarness _bot = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_root.Path, "config", "groups.json"), """
            { "allowList": true, "groups": [
              { "id": -1001234567891, "tags": { "city": "overseas" }, "language": "en", "timeZone": "Europe/London" },
              { "id": -1009, "tags": { "city": "上海" } }
            ] }
            """);
        _bot = await BotHarness.Start(_dir, _root.Path);
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
        _root.Dispose();
    }

    [Fact]
    public async Task With_the_allow_list_on_the_bot_leaves_an_unlisted_group_once_and_ignores_it()
    {
        var added = await _bot.Deliver2(new BotAdded(Stranger, BotHarness.Owner));
        Assert.IsType<LeaveChat>(Assert.Single(added));
        Assert.Empty(await _bot.SayIn(Stranger, BotHarness.Owner, "/faq 物流"));
        Assert.NotEmpty(await _bot.SayIn(Listed, BotHarness.Owner, "/faq"));
    }

    [Fact]
    public async Task File_settings_give_a_group_its_language_time_zone_and_tags()
    {
        var reply = (await _bot.SayIn(Listed, new ChatUser(5, "M", "m"), "/faq add x y")).OfType<SendText>().Single().Text;
        Assert.Equal("🙏 Sorry, only group admins can use /faq add. (Anyone can ask: /faq <words>)", reply);
        Assert.Contains("city=overseas", (await _bot.SayIn(Listed, BotHarness.Owner, "/tag")).OfType<SendText>().Single().Text);
        Assert.Contains("city=上海", (await _bot.Say(BotHarness.Owner, "/tag")).OfType<SendText>().Single().Text);
    }

    [Fact]
    public async Task A_listed_group_that_migrates_is_still_served_with_its_file_settings()
    {
        var old = new ChatInfo(-1009, ChatKind.Group, "测试群");
        var moved = new ChatInfo(-1001009000001, ChatKind.Supergroup, "测试群");
        await _bot.SayIn(old, BotHarness.Owner, "hi");
        Assert.Empty(await _bot.Deliver2(new ChatMigrated(old, moved.Id)));
        var tags = await _bot.SayIn(moved, BotHarness.Owner, "/tag");
        Assert.DoesNotContain(tags, a => a is LeaveChat);
        Assert.Contains("city=上海", tags.OfType<SendText>().Single().Text);
        Assert.True(_bot.Get<Groups>().Find(moved.Id)!.Active);
    }

    [Fact]
    public void A_broken_groups_file_names_its_path()
    {
        var path = _dir.File("groups.json");
        File.WriteAllText(path, """{ "groups": [ { "id": 5 } ] }""");
        var ex = Assert.Throws<ConfigFileException>(() => new GroupsFile().Load(path));
        Assert.StartsWith(path + ":1:23: $.groups[0].id must be the group's chat id", ex.Message);
    }

    [Fact]
    public async Task The_weekly_showcase_lists_this_weeks_best_in_the_group()
    {
        await _bot.Say(new ChatUser(71, "Amy", "amy"), "hi");
        await _bot.Say(BotHarness.Owner, "/award @amy 80");
        await _bot.Say(BotHarness.Owner, "/sale @amy 500");
        var post = (await _bot.Say(BotHarness.Owner, "/post showcase")).OfType<SendText>().Single();
        Assert.True(post.Html);
        Assert.Contains("🥇 @amy ¥500.00", post.Text);
        Assert.Contains("🥇 @amy 80 分", post.Text);
    }

    [Fact]
    public async Task The_report_writes_a_csv_per_group_and_day_and_a_chart()
    {
        await _bot.Say(new ChatUser(72, "Ben", "ben"), "hello");
        await _bot.Say(BotHarness.Owner, "/groupbuy 69 3:65 栗子");
        await _bot.Say(new ChatUser(72, "Ben", "ben"), "/join");
        var db = _bot.Get<Database>();
        await _bot.Say(BotHarness.Owner, "/award @ben 30");
        await _bot.Say(BotHarness.Owner, "/sale @ben 120");
        var (csv, summary, png) = ReportCli.Write(db, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), _bot.Time.GetUtcNow(), 7, _dir.File("reports"),
            Path.Combine(_root.Path, "config", "groups.json"));
        var lines = File.ReadAllLines(csv);
        Assert.Equal("group,chat_id,tags,day,joined,left,active_members,messages,games_opened,players", lines[0].TrimStart('\uFEFF'));
        Assert.Contains(lines, l => l.StartsWith("测试群,-1009,city=上海,2026-11-22,0,0,2,5,1,1", StringComparison.Ordinal));
        Assert.Equal(1 + 7, lines.Length); // one group known to the bot, seven days
        var groups = File.ReadAllLines(summary);
        Assert.Equal("group,chat_id,tags,joined,left,active_members,messages,games_opened,players,groupbuy_players,conversion,top_distributors",
            groups[0].TrimStart('\uFEFF'));
        // Ben and the owner were active; Ben joined the group buy: 50%. A leading @ is kept as text for spreadsheets.
        Assert.Equal("测试群,-1009,city=上海,0,0,2,5,1,1,1,50%,'@ben 30 (¥120.00)", groups[1]);
        Assert.Equal(2, groups.Length);
        Assert.True(new FileInfo(png).Length > 1000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
    }

    [Fact]
    public async Task The_report_counts_everyone_who_guessed_or_left_as_a_player()
    {
        await _bot.Say(BotHarness.Owner, "/guess 59.9 栗子");
        await _bot.Say(new ChatUser(81, "A", "a"), "/g 10");
        await _bot.Say(new ChatUser(82, "B", "b"), "/g 20");
        await _bot.Say(BotHarness.Owner, "/end");
        await _bot.Say(BotHarness.Owner, "/groupbuy 69 3:65 栗子");
        await _bot.Say(new ChatUser(83, "C", "c"), "/join");
        await _bot.Say(new ChatUser(83, "C", "c"), "/leave");
        var (csv, summary, _) = ReportCli.Write(_bot.Get<Database>(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), _bot.Time.GetUtcNow(), 7,
            _dir.File("reports2"), Path.Combine(_root.Path, "config", "groups.json"));
        Assert.Contains(File.ReadAllLines(csv), l => l.StartsWith("测试群,-1009,city=上海,2026-11-22,", StringComparison.Ordinal) && l.EndsWith(",2,3"));
        Assert.StartsWith("测试群,-1009,city=上海,0,0,4,7,2,3,", File.ReadAllLines(summary)[1]);
    }

    [Fact]
    public void The_report_command_refuses_bad_arguments_and_a_missing_database_with_one_line()
    {
        using var root = Repo.Temp().WithBotFiles();
        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.Equal(2, ReportCli.Run(["--days", "week"], output, error, root.Path));
        Assert.Equal(ReportCli.Usage, error.ToString().Trim());
        Assert.Equal(2, ReportCli.Run(["--days", "0"], output, error, root.Path));
        error.GetStringBuilder().Clear();
        Assert.Equal(1, ReportCli.Run(["--days", "30"], output, error, root.Path));
        Assert.EndsWith("groupbot.db: no database yet (run the bot first)", error.ToString().Trim());
        Assert.Empty(output.ToString());
    }
}
