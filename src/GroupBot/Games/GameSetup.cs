using GroupBot.Commands;
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
        .AddSingleton<GameCommands>()
        .AddCommands(sp =>
        [
            sp.GetRequiredService<LotteryFlow>().Spec,
            sp.GetRequiredService<GuessFlow>().Spec,
            sp.GetRequiredService<GuessFlow>().HintSpec,
            sp.GetRequiredService<GroupBuyFlow>().Spec,
            .. sp.GetRequiredService<GameCommands>().Specs,
        ]);
}
