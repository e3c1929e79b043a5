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

    private static BotOptions BotHostFiles(string root) =>
        new() { TemplatesPath = Path.Combine(root, "templates"), ConfigPath = Path.Combine(root, "config") };

    private static (string? Text, string? Error) Render(TemplateStore templates, string name, Product? product, string lang) =>
        PostRenderer.TryRender(templates, name, product, "示例群 Sample group", new Dictionary<string, string> { ["tier"] = "gold" }, lang,
            TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), DateTimeOffset.UtcNow,
            [new { Rank = 1, Name = "@amy", Points = 120L, Sales = "¥1200.00", Recruits = 2 }],
            [new { Rank = 1, Name = "@ben", Points = 30L, Sales = "¥2999.00", Recruits = 0 }]);
}
