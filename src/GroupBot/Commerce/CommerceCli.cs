using System.Globalization;
using System.Text;
using GroupBot.Community;
using GroupBot.Hosting;
using GroupBot.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace GroupBot.Commerce;

/// <summary>
/// `orders import &lt;file.csv&gt; [--dry-run]`: credits a shop's order export (see <see cref="OrderImport"/>) in one unit.
/// It writes the database, so it refuses while the bot runs (the bot holds the database's lock): the running bot
/// imports files dropped into its import folder instead (<see cref="ImportFolder"/>), with the same rules.
/// `orders statement [--month yyyy-MM] [--out folder]`: the month's statement CSV, also while the bot runs.
/// </summary>
public static class CommerceCli
{
    public const string Usage = "usage: orders import <file.csv> [--dry-run] | orders statement [--month yyyy-MM] [--out <folder>]";

    public static async Task<int> Run(string[] args, TextWriter output, TextWriter error, string? root = null, DateTimeOffset? now = null)
    {
        root ??= BotHost.FindRoot();
        var config = new ConfigurationBuilder().AddJsonFile(Path.Combine(root, "config", "appsettings.json"), optional: true)
            .AddEnvironmentVariables().Build();
        var dbPath = BotHost.InRoot(root, config["Storage:Path"] is { Length: > 0 } p ? p : "data/groupbot.db");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(config["Bot:TimeZone"] ?? "Asia/Shanghai");
        var commerce = config.GetSection(CommerceOptions.Section).Get<CommerceOptions>() ?? new CommerceOptions();
        var community = config.GetSection(CommunityOptions.Section).Get<CommunityOptions>() ?? new CommunityOptions();
        var clock = now is { } fixedNow ? (TimeProvider)new Fixed(fixedNow) : TimeProvider.System;
        switch (args)
        {
            case ["import", var file, .. var rest] when rest is [] or ["--dry-run"]:
            {
                if (!File.Exists(file)) return Fail(error, $"{file}: no such file");
                if (!File.Exists(dbPath)) return Fail(error, $"{dbPath}: no database yet (run the bot first)");
                Database db;
                try
                {
                    db = new Database(dbPath, time: clock);
                }
                catch (IOException)
                {
                    var folder = ImportFolder.PathOf(root, config);
                    return Fail(error, $"the bot is running ({dbPath} is in use): stop it first, or copy the file into {folder} and the running bot imports it within a minute");
                }
                using (db)
                {
                    var stores = Stores.Open(db, zone, commerce, community, clock, Path.Combine(root, "config", "groups.json"));
                    var text = OrderImport.ReadText(await File.ReadAllBytesAsync(file));
                    using var unit = db.Begin();
                    var report = stores.Import.Import(text, commerce.OrderColumns, zone);
                    foreach (var line in report.Lines()) output.WriteLine(line);
                    if (report.FileError is not null) return 1;
                    if (rest is ["--dry-run"])
                    {
                        output.WriteLine("dry run: nothing written");
                        return 0;
                    }
                    await unit.CommitAsync();
                    output.WriteLine($"imported {Path.GetFileName(file)} into {dbPath}");
                    return 0;
                }
            }
            case ["statement", .. var rest]:
            {
                var month = Orders.MonthOf(clock.GetUtcNow().UtcDateTime, zone);
                var outFolder = Path.Combine(root, "data", "reports");
                for (var i = 0; i < rest.Length; i++)
                {
                    if (rest[i] == "--month" && i + 1 < rest.Length && DateTime.TryParseExact(rest[i + 1], "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                        month = rest[++i];
                    else if (rest[i] == "--out" && i + 1 < rest.Length) outFolder = Path.GetFullPath(rest[++i]);
                    else return Fail(error, Usage, 2);
                }
                if (!File.Exists(dbPath)) return Fail(error, $"{dbPath}: no database yet (run the bot first)");
                using var db = new Database(dbPath, readOnly: true);
                var stores = Stores.Open(db, zone, commerce, community, clock, null);
                output.WriteLine(Statements.WriteCsv(stores.Orders, stores.Members, month, outFolder));
                return 0;
            }
            default:
                return Fail(error, Usage, 2);
        }
    }

    private static int Fail(TextWriter error, string message, int code = 1)
    {
        error.WriteLine(message);
        return code;
    }

    /// <summary>The commerce stores over a database, for tools that run outside the bot's host.</summary>
    public sealed record Stores(Members Members, Orders Orders, DistributorCodes Codes, OrderImport Import)
    {
        public static Stores Open(Database db, TimeZoneInfo zone, CommerceOptions commerce, CommunityOptions community, TimeProvider time, string? groupsFile)
        {
            var bot = new Static<BotOptions>(new BotOptions { TimeZone = zone.Id });
            var groups = new Groups(db, bot, time);
            if (groupsFile is not null && File.Exists(groupsFile)) groups.File.Load(groupsFile);
            var members = new Members(db, time);
            var points = new Points(db, members, new Static<CommunityOptions>(community), time, new Trust(groups, bot));
            var orders = new Orders(db, members, points, new Teams(db, members), new Static<CommerceOptions>(commerce), new Static<CommunityOptions>(community));
            var codes = new DistributorCodes(db, time);
            return new Stores(members, orders, codes, new OrderImport(orders, codes, time));
        }
    }

    private sealed class Fixed(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class Static<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue { get; } = value;
        public T Get(string? name) => CurrentValue;
        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}

/// <summary>The monthly statement: a row per distributor with sales, commission, team sales, override and the total.</summary>
public static class Statements
{
    public static string WriteCsv(Orders orders, Members members, string month, string outFolder)
    {
        Directory.CreateDirectory(outFolder);
        var path = Path.Combine(outFolder, $"statement-{month}.csv");
        var csv = new StringBuilder("month,user_id,name,level,orders,refunds,sales,commission,team_sales,override,total\n");
        foreach (var group in orders.EarningsIn(month).GroupBy(e => e.UserId).OrderBy(g => g.Key))
        {
            var s = Statement.From(group.Key, month, group);
            var m = members.Find(group.Key);
            csv.Append(CultureInfo.InvariantCulture, $"{month},{group.Key},{Field(m is null ? "" : Members.DisplayName(m))},{Field(m?.Level ?? "")},{s.Orders},{s.Refunds},")
                .Append(CultureInfo.InvariantCulture, $"{Yuan(s.SalesFen)},{Yuan(s.CommissionFen)},{Yuan(s.TeamSalesFen)},{Yuan(s.OverrideFen)},{Yuan(s.TotalFen)}\n");
        }
        // UTF-8 with BOM: Excel opens Chinese names right only with it.
        File.WriteAllText(path, csv.ToString(), new UTF8Encoding(true));
        return path;
    }

    private static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Field(string value)
    {
        // A spreadsheet runs a cell that starts with = + - @ as a formula: keep it text.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
