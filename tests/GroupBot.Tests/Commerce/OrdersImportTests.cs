using System.Text;
using GroupBot.Commerce;
using GroupBot.Community;
using GroupBot.Storage;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Commerce;

/// <summary>Orders import, commission and the team override on a real database (the bot's own stores, no host).</summary>
public sealed class OrdersImportTests : IDisposable
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private readonly TempDir _dir = Repo.Temp();
    private readonly Database _db;
    private readonly CommerceCli.Stores _stores;
    private readonly Points _points;
    private readonly Teams _teams;
    private readonly TestClock _time = new(new DateTimeOffset(2026, 12, 15, 4, 0, 0, TimeSpan.Zero));

    public OrdersImportTests()
    {
        _db = new Database(_dir.File("bot.db"), time: _time);
        _stores = CommerceCli.Stores.Open(_db, Shanghai, new CommerceOptions { OverrideMinLevel = "中级" }, new CommunityOptions(), _time, null);
        // The stores over the same tables, to look at what the import wrote.
        var groups = new Groups(_db, new Opt<GroupBot.Hosting.BotOptions>(new()), _time);
        _points = new Points(_db, _stores.Members, new Opt<CommunityOptions>(new()), _time, new Trust(groups, new Opt<GroupBot.Hosting.BotOptions>(new())));
        _teams = new Teams(_db, _stores.Members);
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private (string Amy, string Bob, string Cat) Distributors()
    {
        using var unit = _db.Begin();
        var m = _stores.Members;
        m.Seen(new GroupBot.Chat.ChatUser(11, "Amy", "amy"));
        m.Seen(new GroupBot.Chat.ChatUser(12, "Bob", "bob"));
        m.Seen(new GroupBot.Chat.ChatUser(13, "Cat", "cat"));
        // Amy is 高级 (20%); Bob 初级 (10%) was brought by Amy's invite link; Cat 初级, set by an admin under Bob (初级: no override).
        var amy = m.Find(11)!;
        amy.Level = "高级";
        m.Save(amy);
        var bob = m.Find(12)!;
        bob.InvitedBy = 11;
        m.Save(bob);
        _teams.Set(13, 12, 1, _time.GetUtcNow().UtcDateTime);
        var codes = (_stores.Codes.CodeOf(11), _stores.Codes.CodeOf(12), _stores.Codes.CodeOf(13));
        unit.Commit();
        return codes;
    }

    private ImportReport Import(string csv)
    {
        using var unit = _db.Begin();
        var report = _stores.Import.Import(csv, new OrderColumns(), Shanghai);
        unit.Commit();
        return report;
    }

    [Fact]
    public void A_messy_export_goes_in_once_bad_rows_are_reported_by_line_and_a_second_import_changes_nothing()
    {
        var (amy, bob, cat) = Distributors();
        var lower = bob.ToLowerInvariant();
        var fullWidthAmy = new string(amy.Select(c => c is >= '0' and <= '9' or >= 'A' and <= 'Z' ? (char)(c + 0xFEE0) : c).ToArray());
        var csv = "\uFEFF" + string.Join("\r\n",
            "Order_ID , Distributor_Code ,Amount,Paid_At,Status,Note",                              // 1 header with spaces and case
            $"A-1,{amy},\"1,299.00\",2026-12-01 10:00:00,paid,\"gift box, large\"",                // 2 quoted comma in amount and note
            $"A-2,{fullWidthAmy},１２９．９０,2026/12/2 9:05,已支付,全角",                             // 3 full-width code and digits
            $"B-1,{lower},¥100,2026-12-03T08:00:00+08:00,PAID,\"a \"\"quoted\"\" note",              // 4 lower-case code, escaped quotes …
            "spanning a line\"",                                                                      // 5 … and a newline inside quotes
            $"A-1,{amy},\"1,299.00\",2026-12-01 10:00:00,paid,duplicate row",                       // 6 a duplicate
            $"X-1,ZZZZZZZZ,50,2026-12-03 10:00,paid,unknown code",                                  // 7 unknown code
            $"X-2,{amy},abc,2026-12-03 10:00,paid,bad amount",                                      // 8 bad amount
            $"X-3,{amy},-5,2026-12-03 10:00,paid,negative",                                         // 9 negative amount
            $"X-4,{amy},5,yesterday,paid,bad time",                                                 // 10 bad time
            $"X-5,{amy},5,2026-12-03 10:00,shipped,unknown status",                                 // 11 unknown status
            "",                                                                                      // 12 blank line
            $"A-2,{amy},129.90,2026-12-20 10:00,refunded,refund",                                   // 13 refund of A-2
            $"C-1,{cat},10,2026-12-04 10:00,paid,cat's sale",                                       // 14 Cat under Bob (初级): no override
            $",{amy},10,2026-12-04 10:00,paid,no id",                                               // 15 no order id
            "");
        var report = Import(csv);
        Assert.Null(report.FileError);
        Assert.Equal(4, report.Credited);
        Assert.Equal(1, report.Reversed);
        Assert.Equal(1, report.Duplicates);
        Assert.Equal([7, 8, 9, 10, 11, 15], report.Problems.Select(p => p.Line));
        Assert.Contains("unknown distributor code 'ZZZZZZZZ'", report.Problems[0].Message);
        Assert.Contains("'abc' is not an amount", report.Problems[1].Message);

        var orders = _stores.Orders;
        Assert.Equal(129_900, orders.Find("A-1")!.AmountFen);
        Assert.Equal(12_990, orders.Find("A-2")!.AmountFen);
        Assert.Equal("refunded", orders.Find("A-2")!.Status);
        Assert.Equal(12L, orders.Find("B-1")!.UserId);
        // Sales feed the same totals as /sale: Amy 1299 (A-2 refunded), Bob 100, Cat 10.
        Assert.Equal(129_900, _points.TotalSales(11));
        Assert.Equal(10_000, _points.TotalSales(12));
        Assert.Equal(1_000, _points.TotalSales(13));

        // Amy 高级 20% of her 1299 = 259.80; override 3% of Bob's 100 = 3.00 (Amy is 高级 ≥ 中级). A-2's commission came and went.
        var amyDec = orders.StatementOf(11, "2026-12");
        Assert.Equal(129_900, amyDec.SalesFen);
        Assert.Equal(25_980, amyDec.CommissionFen);
        Assert.Equal(10_000, amyDec.TeamSalesFen);
        Assert.Equal(300, amyDec.OverrideFen);
        Assert.Equal(26_280, amyDec.TotalFen);
        var bobDec = orders.StatementOf(12, "2026-12");
        Assert.Equal(1_000, bobDec.CommissionFen);
        Assert.Equal(0, bobDec.OverrideFen); // Bob is 初级: below the override's minimum level

        // Importing the same file again changes nothing.
        var before = (_points.TotalSales(11), orders.StatementOf(11, "2026-12"));
        var again = Import(csv);
        Assert.Equal(0, again.Credited);
        Assert.Equal(0, again.Reversed);
        Assert.Equal(6, again.Duplicates);
        Assert.Equal(before, (_points.TotalSales(11), orders.StatementOf(11, "2026-12")));
    }

    [Fact]
    public void A_refund_in_a_later_month_is_reversed_in_that_month_and_a_refund_before_its_sale_blocks_the_sale()
    {
        var (amy, _, _) = Distributors();
        Import($"order_id,distributor_code,amount,paid_at,status\nN-1,{amy},100,2026-11-30 23:59:00,paid\nR-0,{amy},50,2026-12-01 09:00,refunded\n");
        Import($"order_id,distributor_code,amount,paid_at,status\nN-1,{amy},100,2026-12-02 10:00,refunded\nR-0,{amy},50,2026-11-30 09:00,paid\n");
        var nov = _stores.Orders.StatementOf(11, "2026-11");
        var dec = _stores.Orders.StatementOf(11, "2026-12");
        Assert.Equal(10_000, nov.SalesFen);
        Assert.Equal(2_000, nov.CommissionFen);
        Assert.Equal(-10_000, dec.SalesFen);
        Assert.Equal(-2_000, dec.CommissionFen);
        Assert.Equal(0, _points.TotalSales(11));
        Assert.Equal("refunded", _stores.Orders.Find("R-0")!.Status);
    }

    [Fact]
    public void A_file_without_the_configured_columns_changes_nothing_and_other_column_names_work()
    {
        var (amy, _, _) = Distributors();
        var report = Import($"id,code,total,time,state\nQ-1,{amy},10,2026-12-01 10:00,paid\n");
        Assert.Contains("no column 'order_id'", report.FileError);
        Assert.Null(_stores.Orders.Find("Q-1"));

        using var unit = _db.Begin();
        var columns = new OrderColumns { OrderId = "订单号", Code = "推广码", Amount = "实付金额", Time = "付款时间", Status = "订单状态" };
        var ok = _stores.Import.Import($"订单号,推广码,实付金额,付款时间,订单状态\nQ-1,{amy},10,2026年12月1日 10:00,已付款\n", columns, Shanghai);
        unit.Commit();
        Assert.Equal(1, ok.Credited);
        Assert.Equal(new DateTime(2026, 12, 1, 2, 0, 0, DateTimeKind.Utc), _stores.Orders.Find("Q-1")!.PaidUtc);

        // The same export saved by Excel in GB18030 (no UTF-8): read right all the same.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gbk = Encoding.GetEncoding("GB18030").GetBytes($"订单号,推广码,实付金额,付款时间,订单状态\nQ-2,{amy},10,2026年12月1日 10:00,已付款\n");
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(gbk));
        using var unit2 = _db.Begin();
        Assert.Equal(1, _stores.Import.Import(OrderImport.ReadText(gbk), columns, Shanghai).Credited);
        unit2.Commit();
    }

    [Fact]
    public void Commission_rounds_down_to_the_fen_and_a_refund_mirrors_it_exactly()
    {
        Assert.Equal(99, Commission.Of(999, Commission.BasisPoints(10)));
        Assert.Equal(-99, Commission.Of(-999, Commission.BasisPoints(10)));
        Assert.Equal(124, Commission.Of(999, Commission.BasisPoints(12.5m)));
        Assert.Equal(0, Commission.Of(1, Commission.BasisPoints(25)));
        var random = new Random(2);
        for (var i = 0; i < 10_000; i++)
        {
            var amount = random.NextInt64(1, Money.MaxFen);
            var bp = random.Next(0, 10_001);
            var c = Commission.Of(amount, bp);
            Assert.InRange(c, 0, amount);
            Assert.Equal(-c, Commission.Of(-amount, bp));
            Assert.True(c * 10_000 <= amount * bp && (c + 1) * 10_000 > amount * bp);
        }
        Assert.False(Commission.ValidPercent(12.345m));
        Assert.False(Commission.ValidPercent(101));
    }

    [Fact]
    public async Task The_cli_refuses_while_the_bot_holds_the_database_and_imports_when_it_does_not()
    {
        var root = _dir.WithBotFiles().Path;
        var dbPath = Path.Combine(root, "data", "groupbot.db");
        Directory.CreateDirectory(Path.GetDirectoryName(dbPath)!);
        string code;
        using (var db = new Database(dbPath, time: _time))
        {
            var stores = CommerceCli.Stores.Open(db, Shanghai, new CommerceOptions(), new CommunityOptions(), _time, null);
            using var unit = db.Begin();
            stores.Members.Seen(new GroupBot.Chat.ChatUser(21, "Dan", "dan"));
            code = stores.Codes.CodeOf(21);
            unit.Commit();
            var file = Path.Combine(root, "orders.csv");
            await File.WriteAllTextAsync(file, $"order_id,distributor_code,amount,paid_at,status\nD-1,{code},10,2026-12-01 10:00,paid\n", Encoding.UTF8);
            var (output, error) = (new StringWriter(), new StringWriter());
            Assert.Equal(1, await CommerceCli.Run(["import", file], output, error, root));
            Assert.Contains("the bot is running", error.ToString());
            Assert.Contains(Path.Combine(root, "data", "imports"), error.ToString());
        }
        var (out2, err2) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, await CommerceCli.Run(["import", Path.Combine(root, "orders.csv")], out2, err2, root, _time.GetUtcNow()));
        Assert.Contains("1 sales credited (¥10.00)", out2.ToString());
        var (out3, err3) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, await CommerceCli.Run(["statement", "--month", "2026-12"], out3, err3, root, _time.GetUtcNow()));
        var statement = await File.ReadAllTextAsync(out3.ToString().Trim());
        // `report` writes the statements of this month and the last beside its other files.
        var reports = Path.Combine(root, "reports");
        Assert.Equal(0, GroupBot.Community.ReportCli.Run(["--out", reports], new StringWriter(), new StringWriter(), root, _time.GetUtcNow()));
        Assert.Contains("2026-12,21,'@dan,初级,1,0,10.00,1.00", await File.ReadAllTextAsync(Path.Combine(reports, "statement-2026-12.csv")));
        Assert.True(File.Exists(Path.Combine(reports, "statement-2026-11.csv")));
        using (var check = new Database(dbPath, readOnly: true))
        {
            var stores = CommerceCli.Stores.Open(check, Shanghai, new CommerceOptions(), new CommunityOptions(), _time, null);
            Assert.NotNull(stores.Orders.Find("D-1"));
            Assert.Single(stores.Orders.EarningsOf(21, "2026-12"));
            Assert.Single(stores.Orders.EarningsIn("2026-12"));
        }
        Assert.Contains("2026-12,21,'@dan,初级,1,0,10.00,1.00,0.00,0.00,1.00", statement);
    }

    [Fact]
    public void Codes_are_stable_distinct_and_not_the_id()
    {
        using var unit = _db.Begin();
        var codes = Enumerable.Range(1, 500).Select(i => _stores.Codes.CodeOf(i)).ToList();
        unit.Commit();
        Assert.Equal(500, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[0-9A-HJKMNP-TV-Z]{8}$", c));
        Assert.Equal(codes[41], _stores.Codes.CodeOf(42));
        Assert.Equal(42, _stores.Codes.OwnerOf(codes[41].ToLowerInvariant()));
        // Another database has another secret: the same id gets another code.
        using var other = new Database(_dir.File("other.db"), time: _time);
        var otherCodes = CommerceCli.Stores.Open(other, Shanghai, new CommerceOptions(), new CommunityOptions(), _time, null).Codes;
        using var unit2 = other.Begin();
        Assert.NotEqual(codes[41], otherCodes.CodeOf(42));
    }

    private sealed class TestClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class Opt<T>(T value) : Microsoft.Extensions.Options.IOptionsMonitor<T>
    {
        public T CurrentValue { get; } = value;
        public T Get(string? name) => CurrentValue;
        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
