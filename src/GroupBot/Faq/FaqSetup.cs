using GroupBot.Commands;
using GroupBot.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Faq;

public static class FaqSetup
{
    public static IServiceCollection AddFaq(this IServiceCollection services) => services
        .AddSingleton<FaqStore>()
        .AddSingleton<FaqCommands>()
        .AddCommands(sp => [sp.GetRequiredService<FaqCommands>().Spec]);

    /// <summary>Seeds global answers from config/faq.json at start (a broken file stops start-up) and on every edit.</summary>
    public static void SyncFaqSeed(this IServiceProvider sp)
    {
        var path = Path.Combine(sp.GetRequiredService<IOptions<BotOptions>>().Value.ConfigPath, "faq.json");
        var store = sp.GetRequiredService<FaqStore>();
        var log = sp.GetRequiredService<ILogger<FaqStore>>();
        var db = sp.GetRequiredService<Storage.Database>();
        void Sync()
        {
            var seed = FaqSeed.Load(path);
            var (added, updated, removed) = db.Write(() => store.Sync(seed));
            log.LogInformation("FAQ seed {Path}: {Added} added, {Updated} updated, {Removed} removed", path, added, updated, removed);
        }
        Sync();
        sp.GetRequiredService<ConfigReloader>().Add(path, Sync);
    }
}
