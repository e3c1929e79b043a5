using GroupBot.Commands;
using GroupBot.Hosting;
using GroupBot.Templates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Posting;

public static class PostingSetup
{
    public static IServiceCollection AddPosting(this IServiceCollection services)
    {
        services.AddOptions<PostingOptions>().BindConfiguration(PostingOptions.Section)
            .Check("Posting:QuietHours", o => o.QuietHours, o => o.QuietHours.Length == 0 || AntiFlood.TryParseRange(o.QuietHours, out _, out _),
                "a local time range such as 22:00-08:00, or empty")
            .Check("Posting:MaxPostsPerDay", o => o.MaxPostsPerDay, o => o.MaxPostsPerDay is >= 0 and <= 100, "a number of posts from 0 to 100")
            .Check("Posting:MinGapMinutes", o => o.MinGapMinutes, o => o.MinGapMinutes is >= 0 and <= 1440, "minutes from 0 to 1440")
            .ValidateOnStart();
        return services
            .AddSingleton<Catalog>()
            .AddSingleton<Schedules>()
            .AddSingleton<PostRenderer>()
            .AddSingleton<PostScheduler>()
            .AddSingleton<PostingCommands>()
            .AddCommands(sp => sp.GetRequiredService<PostingCommands>().Specs);
    }

    /// <summary>Loads products.json and schedules.json at start (a broken file stops start-up) and on every edit.</summary>
    public static void LoadPostingFiles(this IServiceProvider sp)
    {
        var folder = sp.GetRequiredService<IOptions<BotOptions>>().Value.ConfigPath;
        var catalog = sp.GetRequiredService<Catalog>();
        var schedules = sp.GetRequiredService<Schedules>();
        var renderer = sp.GetRequiredService<PostRenderer>();
        var reloader = sp.GetRequiredService<ConfigReloader>();
        var products = Path.Combine(folder, "products.json");
        var schedulesPath = Path.Combine(folder, "schedules.json");
        catalog.Load(products);
        schedules.Load(schedulesPath, catalog, renderer.Exists);
        reloader.Add(products, () =>
        {
            // A catalog edit must still satisfy the schedules that name its products.
            var probe = new Catalog();
            probe.Load(products);
            Schedules.Read(schedulesPath, probe, renderer.Exists);
            catalog.Load(products);
        });
        reloader.Add(schedulesPath, () => schedules.Load(schedulesPath, catalog, renderer.Exists));
    }
}
