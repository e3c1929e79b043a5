using GroupBot.Commands;
using GroupBot.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBot.Games.Bargain;

public static class BargainSetup
{
    /// <summary>The 砍价 game: its options, its flow among the games, /bargain.</summary>
    public static IServiceCollection AddBargain(this IServiceCollection services)
    {
        services.AddOptions<BargainOptions>().BindConfiguration(BargainOptions.Section)
            .Check("Bargain:Helpers", o => o.Helpers, o => o.Helpers is >= BargainRules.MinHelpers and <= BargainRules.MaxHelpers, "helpers from 1 to 100")
            .Check("Bargain:Hours", o => o.Hours, o => o.Hours is >= 1 and <= 24 * 30, "hours from 1 to 720")
            .Check("Bargain:FloorPercent", o => o.FloorPercent, o => o.FloorPercent is >= 1 and <= 99, "a percent of the price from 1 to 99")
            .Check("Bargain:PerMember", o => o.PerMember, o => o.PerMember is >= 1 and <= 10, "bargains from 1 to 10")
            .ValidateOnStart();
        return services
            .AddSingleton<BargainFlow>()
            .AddSingleton<IGameFlow>(sp => sp.GetRequiredService<BargainFlow>())
            .AddCommands(sp => [sp.GetRequiredService<BargainFlow>().Spec]);
    }
}
