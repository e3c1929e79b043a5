using Microsoft.Extensions.DependencyInjection;

namespace GroupBot.Community;

public static class CommunitySetup
{
    public static IServiceCollection AddCommunity(this IServiceCollection services)
    {
        services.AddOptions<CommunityOptions>().BindConfiguration(CommunityOptions.Section)
            .Validate(o => o.EffectiveLevels.All(l => l.Name.Length > 0) && o.EffectiveLevels.Select(l => l.Name).Distinct().Count() == o.EffectiveLevels.Count,
                "Community:Levels must have distinct, non-empty names")
            .Validate(o => o.RankBy is "points" or "sales" or "recruits", "Community:RankBy must be points, sales or recruits")
            .Validate(o => o.WelcomeDelaySeconds is >= 0 and <= 600, "Community:WelcomeDelaySeconds must be 0 to 600")
            .ValidateOnStart();
        return services
            .AddSingleton<Members>()
            .AddSingleton<Points>()
            .AddSingleton<InviteLinks>()
            .AddSingleton<Activity>()
            .AddSingleton<Welcomes>()
            .AddHostedService(sp => sp.GetRequiredService<Welcomes>())
            .AddSingleton<CommunityCommands>();
    }
}
