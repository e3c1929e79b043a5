using GroupBot.Commands;
using GroupBot.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBot.Community;

public static class CommunitySetup
{
    public static IServiceCollection AddCommunity(this IServiceCollection services)
    {
        services.AddOptions<CommunityOptions>().BindConfiguration(CommunityOptions.Section)
            .Check("Community:Levels", o => string.Join(",", o.EffectiveLevels.Select(l => l.Name)),
                o => o.EffectiveLevels.All(l => l.Name.Length > 0) && o.EffectiveLevels.Select(l => l.Name).Distinct().Count() == o.EffectiveLevels.Count,
                "levels with distinct, non-empty names")
            .Check("Community:RankBy", o => o.RankBy, o => o.RankBy is "points" or "sales" or "recruits", "points, sales or recruits")
            .Check("Community:WelcomePoints", o => o.WelcomePoints, o => o.WelcomePoints is >= 0 and <= 1_000_000, "points from 0 to 1000000")
            .Check("Community:GameWinPoints", o => o.GameWinPoints, o => o.GameWinPoints is >= 0 and <= 1_000_000, "points from 0 to 1000000")
            .Check("Community:RecruitPoints", o => o.RecruitPoints, o => o.RecruitPoints is >= 0 and <= 1_000_000, "points from 0 to 1000000")
            .Check("Community:MaxAward", o => o.MaxAward, o => o.MaxAward is >= 1 and <= 1_000_000, "points from 1 to 1000000")
            .Check("Community:WelcomeDelaySeconds", o => o.WelcomeDelaySeconds, o => o.WelcomeDelaySeconds is >= 0 and <= 600, "seconds from 0 to 600")
            .ValidateOnStart();
        return services
            .AddSingleton<Trust>()
            .AddSingleton<Members>()
            .AddSingleton<Points>()
            .AddSingleton<InviteLinks>()
            .AddSingleton<JoinRequests>()
            .AddSingleton<Activity>()
            .AddSingleton<Welcomes>()
            .AddHostedService(sp => sp.GetRequiredService<Welcomes>())
            .AddSingleton<CommunityCommands>()
            .AddCommands(sp => sp.GetRequiredService<CommunityCommands>().Specs);
    }
}
