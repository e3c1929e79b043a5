using GroupBot.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBot.Private;

public static class PrivateSetup
{
    /// <summary>The bot in a private chat: /start and deep links, /claim.</summary>
    public static IServiceCollection AddPrivateChat(this IServiceCollection services) => services
        .AddSingleton<DeepLinks>()
        .AddSingleton<StartCommands>()
        .AddCommands(sp => sp.GetRequiredService<StartCommands>().Specs);
}
