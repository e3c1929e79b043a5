using Microsoft.Extensions.Configuration;
using GroupBot.Hosting;
using GroupBot.Templates;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupBot.Posting;

/// <summary>
/// `templates check`: parses every template and renders each with sample data (posts with every product); exits 1 with
/// path:line:column on any error. `templates preview &lt;name&gt; [product] [--lang en]`: prints one post.
/// </summary>
public static class TemplatesCli
{
    public const string Usage = "usage: templates check | templates preview <name> [product id] [--lang zh-CN|en]";

    public static int Run(string[] args, TextWriter output, TextWriter error, string? root = null)
    {
        root ??= BotHost.FindRoot();
        var options = BotHostFiles(root);
        var templates = new TemplateStore(options.TemplatesPath, NullLogger<TemplateStore>.Instance);
        var catalog = new Catalog();
        try
        {
            catalog.Load(Path.Combine(options.ConfigPath, "products.json"));
        }
        catch (ConfigFileException ex)
        {
            error.WriteLine(ex.Message);
            return 1;
        }
        switch (args)
        {
            case ["check"]:
                var problems = templates.CheckAll().Select(e => e.ToString()).ToList();
                if (problems.Count == 0)
                {
                    foreach (var lang in OptionsChecks.Languages)
                    foreach (var name in templates.Names(lang))
                    {
                        if (!name.StartsWith("posts/", StringComparison.Ordinal))
                        {
                            // A reply template, with a sample of what its feature gives it.
                            var (_, failure) = templates.TryRender(name, lang, TemplateSamples.For(name));
                            if (failure is not null) problems.Add(failure);
                        }
                        else if (!name.Contains("/_"))
                        {
                            foreach (var product in catalog.Products.Cast<Product?>().DefaultIfEmpty(null))
                                if (Render(templates, name, product, lang).Error is { } failure) problems.Add(failure);
                        }
                    }
                }
                foreach (var p in problems.Distinct()) error.WriteLine(p);
                if (problems.Count > 0) return 1;
                try
                {
                    foreach (var warning in ScheduleWarnings(options.ConfigPath, catalog, templates)) output.WriteLine(warning);
                }
                catch (ConfigFileException ex)
                {
                    error.WriteLine(ex.Message);
                    return 1;
                }
                output.WriteLine($"templates OK: {templates.Names("zh-CN").Count()} zh-CN, {templates.Names("en").Count()} en, {catalog.Products.Count} products");
                return 0;
            case ["preview", var name, .. var rest]:
                var langArg = rest.SkipWhile(a => a != "--lang").Skip(1).FirstOrDefault() ?? "zh-CN";
                var productId = rest.TakeWhile(a => a != "--lang").FirstOrDefault();
                var chosen = productId is null ? catalog.Products.FirstOrDefault() : catalog.Find(productId);
                if (productId is not null && chosen is null)
                {
                    error.WriteLine($"no product '{productId}' in products.json");
                    return 1;
                }
                var (text, problem) = Render(templates, name, chosen, langArg);
                if (problem is not null)
                {
                    error.WriteLine(problem);
                    return 1;
                }
                output.WriteLine(text);
                return 0;
            default:
                error.WriteLine(Usage);
                return 2;
        }
    }

    /// <summary>A warning for each schedule that can never post in a group of groups.json (its time is always in quiet hours there).</summary>
    public static IEnumerable<string> ScheduleWarnings(string configPath, Catalog catalog, TemplateStore templates)
    {
        var settings = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddJsonFile(Path.Combine(configPath, "appsettings.json"), optional: true).Build();
        var posting = new PostingOptions();
        settings.GetSection(PostingOptions.Section).Bind(posting);
        var defaultZone = TimeZoneInfo.TryFindSystemTimeZoneById(settings["Bot:TimeZone"] ?? "Asia/Shanghai", out var z) ? z : TimeZoneInfo.Utc;
        var schedules = Schedules.Read(Path.Combine(configPath, "schedules.json"), catalog, name => templates.Exists(PostRenderer.TemplateName(name), TemplateStore.DefaultLanguage));
        var groups = new Community.GroupsFile();
        groups.Load(Path.Combine(configPath, "groups.json"));
        var now = DateTimeOffset.UtcNow;
        foreach (var schedule in schedules)
        foreach (var group in groups.All.Where(g => schedule.Tags.All(t => g.Tags.TryGetValue(t.Key, out var v) && string.Equals(v, t.Value, StringComparison.OrdinalIgnoreCase))))
        {
            var zone = group.TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var gz) ? gz : defaultZone;
            if (PostReach.NeverPosts(schedule, schedule.Zone ?? zone, zone, posting, now))
                yield return $"warning: schedule {schedule.Id} can never post in group {group.ChatId} {group.Title}: its time falls in the quiet hours {posting.QuietHours} ({zone.Id})";
        }
    }

    private static BotOptions BotHostFiles(string root) =>
        new() { TemplatesPath = Path.Combine(root, "templates"), ConfigPath = Path.Combine(root, "config") };

    private static (string? Text, string? Error) Render(TemplateStore templates, string name, Product? product, string lang) =>
        PostRenderer.TryRender(templates, name, product, "示例群 Sample group", new Dictionary<string, string> { ["tier"] = "gold" }, lang,
            TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), DateTimeOffset.UtcNow,
            [new { Rank = 1, Name = "@amy", Points = 120L, Sales = "¥1200.00", Recruits = 2 }],
            [new { Rank = 1, Name = "@ben", Points = 30L, Sales = "¥2999.00", Recruits = 0 }]);
}
