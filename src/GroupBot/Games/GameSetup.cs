using GroupBot.Games.Lottery;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBot.Games;

public static class GameSetup
{
    public static IServiceCollection AddGames(this IServiceCollection services) => services
        .AddSingleton<Entropy>()
        .AddSingleton<GameStore>()
        .AddSingleton<Deadlines>()
        .AddHostedService(sp => sp.GetRequiredService<Deadlines>())
        .AddSingleton<LotteryFlow>()
        .AddSingleton<GameCommands>();
}
