using GroupBot.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBot.Private;

public static class PrivateSetup
{
    /// <summary>The bot in a private chat: /start and deep links, /claim, /mygroups and the groups' views.</summary>
    public static IServiceCollection AddPrivateChat(this IServiceCollection services) => services
        .AddSingleton<DeepLinks>()
        .AddSingleton<StartCommands>()
        .AddSingleton<GroupViews>()
        .AddCommands(sp => [.. sp.GetRequiredService<StartCommands>().Specs, .. sp.GetRequiredService<GroupViews>().Specs]);
}
