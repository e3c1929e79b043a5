using GroupBot.Games.GroupBuy;
using GroupBot.Games.Lottery;
using GroupBot.Games.PriceGuess;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBot.Games;

public static class GameSetup
{
    public static IServiceCollection AddGames(this IServiceCollection services) => services
        .AddSingleton<Entropy>()
        .AddSingleton<GameStore>()
        .AddSingleton<Deadlines>()
        .AddHostedService(sp => sp.GetRequiredService<Deadlines>())
        .AddSingleton<MessageRefresh>()
        .AddHostedService(sp => sp.GetRequiredService<MessageRefresh>())
        .AddSingleton<GameMessages>()
        .AddSingleton<LotteryFlow>()
        .AddSingleton<GuessFlow>()
        .AddSingleton<GroupBuyFlow>()
        .AddSingleton<IGameFlow>(sp => sp.GetRequiredService<LotteryFlow>())
        .AddSingleton<IGameFlow>(sp => sp.GetRequiredService<GuessFlow>())
        .AddSingleton<IGameFlow>(sp => sp.GetRequiredService<GroupBuyFlow>())
        .AddSingleton<GameCommands>();

    /// <summary>The game commands, one line each.</summary>
    public static void AddGameCommands(this Commands.CommandRegistry registry, IServiceProvider sp)
    {
        registry.Add(sp.GetRequiredService<LotteryFlow>().Spec);
        registry.Add(sp.GetRequiredService<GuessFlow>().Spec);
        registry.Add(sp.GetRequiredService<GuessFlow>().HintSpec);
        registry.Add(sp.GetRequiredService<GroupBuyFlow>().Spec);
        foreach (var spec in sp.GetRequiredService<GameCommands>().Specs) registry.Add(spec);
    }
}
