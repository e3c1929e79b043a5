using GroupBot.Templates;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupBot.Tests.Templates;

public sealed class TemplateStoreTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp();

    /// <summary>One model with every variable any reply template reads.</summary>
    private static readonly object Sample = new
    {
        Commands = new List<string> { "help", "faq" },
        IsAdmin = true,
        Command = "faq add",
        Reason = "missing_key",
        Value = "x",
        Topics = new List<string> { "发货", "退货" },
        Key = "发货",
        Question = "什么时候发货？",
        Answer = "48小时内发货",
        Near = new List<string> { "退货" },
        Unsure = true,
        Query = "物流",
        Updated = true,
        Aliases = new List<string> { "物流" },
        Alias = "物流",
        Code = "joined",
        Id = 7,
        State = "full",
        Slots = 3,
        Joined = 2,
        Left = 1,
        Pot = "¥1.00",
        Stake = "¥1.00",
        Prize = "栗子一袋",
        Mode = "worst",
        Deadline = "11-23 20:00",
        SeedHash = "ab12",
        Seed = "cd34",
        Grabbed = 1,
        Late = true,
        Players = new[] { new { Name = "@a" }, new { Name = "@b" } },
        Winner = "@a",
        Shares = new[] { new { Name = "@a", Amount = "¥0.10", Order = 1, Won = true } },
        Others = new List<string> { "@b" },
        Refunds = new[] { new { Name = "@a", Amount = "¥1.00" } },
        Kind = "guess",
        ByName = false,
        Product = "新品栗子",
        Gift = "一袋",
        Discount = 10,
        Tries = 3,
        Hints = new List<string> { "比 50 贵" },
        GuessCount = 4,
        Guessers = 2,
        ByClosest = true,
        Closest = "¥60.00",
        DiscountWinners = new List<string> { "@b" },
        Hint = "比 50 贵",
        Number = 1,
        First = true,
        Price = "¥69.00",
        Tiers = new[] { new { Headcount = 3, Price = "¥65.00", Reached = true } },
        Deposit = "¥1.00",
        Bonus = "¥0.10",
        Refund = "¥1.10",
        Count = 3,
        Reached = "¥65.00",
        NextPrice = "¥61.00",
        More = 2,
        Succeeded = true,
        Final = "¥65.00",
        Name = "@a",
        Schedules = new[] { new { Id = "daily", Template = "daily_product", Next = "11-23 10:00", Product = "*" } },
        Paused = true,
        Changed = true,
        Template = "daily_product",
        Tags = new[] { new { Key = "tier", Value = "gold" } },
        Games = new[] { new { Id = 7, Mode = "worst", Prize = "栗子一袋", State = "open", Joined = 1, Slots = 3, Grabbed = 0, Deadline = "20:00" } },
    };

    /// <summary>Templates whose variables clash with the shared sample get their own model.</summary>
    private static object SampleFor(string name) => name switch
    {
        "welcome" => new { Names = new List<string> { "@a", "@b" }, Group = "测试群", Gift = 5, Games = new[] { new { Id = 1, Kind = "lottery", Product = "" } } },
        "me" => new { Name = "@a", Level = "金牌", Points = 150, Week = 10, Month = 50, Sales = "¥299.00", Rank = 1, Ranked = 3, Recruits = 2, InvitedBy = "@b" },
        "top" => new { Period = "week", By = "points", Scope = "city:上海", Rows = new[] { new { Rank = 1, Name = "@a", Points = 10, Sales = "¥1.00", Recruits = 1 } } },
        "mylink" => new { Link = "https://t.me/+x", Private = false, Failed = false },
        "awarded" => new { Name = "@a", Points = 10, Reason = "好文案", Total = 20, Level = "中级" },
        "sale_recorded" => new { Name = "@a", Amount = "¥1.00", Note = "x", Total = "¥2.00" },
        "level_set" => new { Name = "@a", Level = "金牌" },
        "welcome_set" => new { On = true },
        "stats" => new { Days = 7, Joined = 3, Left = 1, ActiveMembers = 5, Messages = 40, Games = 2, Players = 6, GroupBuyPlayers = 3, Conversion = "60%",
            Top = new[] { new { Name = "@a", Points = 10, Sales = "¥1.00" } } },
        _ => Sample,
    };

    [Fact]
    public void Every_shipped_template_parses()
    {
        Assert.Empty(new TemplateStore(Repo.Templates, NullLogger<TemplateStore>.Instance).CheckAll());
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public void Every_shipped_template_renders(string lang)
    {
        var store = new TemplateStore(Repo.Templates, NullLogger<TemplateStore>.Instance);
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Templates, lang), "*.sbn"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var text = store.Render(name, lang, SampleFor(name));
            Assert.DoesNotContain("⚠️ " + name + ":", text);
            if (!name.StartsWith('_')) Assert.False(string.IsNullOrWhiteSpace(text), name);
        }
    }

    [Fact]
    public void Every_language_has_the_same_templates()
    {
        var zh = Directory.GetFiles(Path.Combine(Repo.Templates, "zh-CN")).Select(Path.GetFileName).Order();
        var en = Directory.GetFiles(Path.Combine(Repo.Templates, "en")).Select(Path.GetFileName).Order();
        Assert.Equal(zh, en);
    }

    [Fact]
    public void Usage_reply_names_the_reason_and_the_right_form()
    {
        var store = new TemplateStore(Repo.Templates, NullLogger<TemplateStore>.Instance);
        Assert.Equal("⚠️ 缺少关键词。用法：/faq add <关键词> <答案…>",
            store.Render("usage", "zh-CN", new { Command = "faq add", Reason = "missing_key", Value = "" }));
        Assert.Equal("⚠️ The key is missing. Usage: /faq add <key> <answer…>",
            store.Render("usage", "en", new { Command = "faq add", Reason = "missing_key", Value = "" }));
    }

    [Fact]
    public void A_missing_language_falls_back_to_zh_CN()
    {
        Write("zh-CN/hello.sbn", "你好 {{ name }}");
        var store = Store();
        Assert.Equal("你好 A", store.Render("hello", "en", new { Name = "A" }));
    }

    [Fact]
    public void A_parse_error_is_reported_with_path_line_and_column()
    {
        Write("zh-CN/ok.sbn", "fine");
        Write("zh-CN/broken.sbn", "line one\n{{ if x }}never closed");
        var errors = Store().CheckAll();
        var error = Assert.Single(errors);
        Assert.EndsWith("broken.sbn", error.Path);
        Assert.True(error.Line >= 2, error.ToString());
        Assert.Matches(@"broken\.sbn:\d+:\d+: ", error.ToString());
    }

    [Fact]
    public void An_edit_is_picked_up_and_a_broken_edit_keeps_the_last_good_version()
    {
        var path = Write("zh-CN/t.sbn", "v1 {{ n }}");
        var store = Store();
        Assert.Equal("v1 1", store.Render("t", "zh-CN", new { N = 1 }));

        File.WriteAllText(path, "v2 {{ n }}");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal("v2 1", store.Render("t", "zh-CN", new { N = 1 }));

        File.WriteAllText(path, "v3 {{ if }");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(10));
        Assert.Equal("v2 1", store.Render("t", "zh-CN", new { N = 1 }));
    }

    [Fact]
    public void Templates_see_the_model_but_no_other_dotnet_members()
    {
        Write("zh-CN/t.sbn", "[{{ dir.full_name }}][{{ item.name }}][{{ money 150 }}]");
        var text = Store().Render("t", "zh-CN", new { Dir = new DirectoryInfo("/tmp"), Item = new { Name = "x" } });
        Assert.Equal("[][x][¥1.50]", text);
    }

    [Fact]
    public void A_runaway_loop_is_stopped_not_hung()
    {
        Write("zh-CN/t.sbn", "{{ for i in 1..1000000 }}x{{ end }}");
        Assert.StartsWith("⚠️ t:", Store().Render("t", "zh-CN"));
    }

    private TemplateStore Store() => new(_dir.Path, NullLogger<TemplateStore>.Instance);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
