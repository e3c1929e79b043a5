using GroupBot.Commands;
using GroupBot.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBot.Commerce;

public static class CommerceSetup
{
    /// <summary>Distributor commerce: check-in, share kit, distributor codes, orders, commission, statements.</summary>
    public static IServiceCollection AddCommerce(this IServiceCollection services)
    {
        services.AddOptions<CommerceOptions>().BindConfiguration(CommerceOptions.Section)
            .Check("Commerce:CheckInPoints", o => o.CheckInPoints, o => o.CheckInPoints is >= 0 and <= 1_000_000, "points from 0 to 1000000")
            .Check("Commerce:StreakStep", o => o.StreakStep, o => o.StreakStep is >= 0 and <= 1_000_000, "points from 0 to 1000000")
            .Check("Commerce:StreakMaxBonus", o => o.StreakMaxBonus, o => o.StreakMaxBonus is >= 0 and <= 1_000_000, "points from 0 to 1000000")
            .Check("Commerce:CommissionPercent", o => string.Join(",", o.EffectiveRates.Select(r => $"{r.Key}={r.Value}")),
                o => o.EffectiveRates.Values.All(Commission.ValidPercent), "percents from 0 to 100 with at most two decimals")
            .Check("Commerce:OverridePercent", o => o.OverridePercent, o => Commission.ValidPercent(o.OverridePercent), "a percent from 0 to 100 with at most two decimals")
            .Check("Commerce:LinkParameter", o => o.LinkParameter, o => o.LinkParameter.Length is > 0 and <= 32 && o.LinkParameter.All(char.IsAsciiLetterOrDigit),
                "a query parameter name of letters and digits")
            .Check("Commerce:Review:KeepSales", o => string.Join(",", o.Review.KeepSales.Select(r => $"{r.Key}={r.Value}")),
                o => o.Review.KeepSales.Values.All(v => v is >= 0 and <= 100_000_000 && decimal.Round(v, 2) == v), "yuan amounts per level")
            .Check("Commerce:Review:MaxSteps", o => o.Review.MaxSteps, o => o.Review.MaxSteps is >= 1 and <= 10, "levels from 1 to 10")
            .ValidateOnStart();
        return services
            .AddSingleton<CheckIns>()
            .AddSingleton<DistributorCodes>()
            .AddSingleton<Teams>()
            .AddSingleton<Orders>()
            .AddSingleton<OrderImport>()
            .AddSingleton<ImportFolder>()
            .AddHostedService(sp => sp.GetRequiredService<ImportFolder>())
            .AddSingleton<MonthlyReview>()
            .AddHostedService(sp => sp.GetRequiredService<MonthlyReview>())
            .AddSingleton<TeamCommands>()
            .AddSingleton<Poster>()
            .AddSingleton<ShareCommand>()
            .AddCommands(sp => [sp.GetRequiredService<CheckIns>().Spec, sp.GetRequiredService<TeamCommands>().Spec, sp.GetRequiredService<ShareCommand>().Spec]);
    }
}
