using GroupBot.Commands;
using GroupBot.Hosting;
using GroupBot.Private;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace GroupBot.Games.Jigsaw;

/// <summary>Jigsaw:… in appsettings: the brand's look for the QR code.</summary>
public sealed class JigsawOptions
{
    public const string Section = "Jigsaw";
    /// <summary>The QR's dark modules (#RRGGBB).</summary>
    public string Foreground { get; set; } = "#000000";
    /// <summary>The QR's light modules and quiet zone; keep it light, scanners need the contrast.</summary>
    public string Background { get; set; } = "#FFFFFF";
    /// <summary>The frame around the code.</summary>
    public string Frame { get; set; } = "#FFFFFF";
    /// <summary>An image file (relative to config/) put in the middle of the code; empty for none.</summary>
    public string Logo { get; set; } = "";

    public static SKColor Color(string text) => SKColor.TryParse(text, out var c) ? c : SKColors.Black;

    public static bool IsColor(string text) => text.StartsWith('#') && SKColor.TryParse(text, out _);
}

public static class JigsawSetup
{
    public static IServiceCollection AddJigsaw(this IServiceCollection services)
    {
        services.AddOptions<JigsawOptions>().BindConfiguration(JigsawOptions.Section)
            .Check("Jigsaw:Foreground", o => o.Foreground, o => JigsawOptions.IsColor(o.Foreground), "a colour such as #000000")
            .Check("Jigsaw:Background", o => o.Background, o => JigsawOptions.IsColor(o.Background), "a colour such as #FFFFFF")
            .Check("Jigsaw:Frame", o => o.Frame, o => JigsawOptions.IsColor(o.Frame), "a colour such as #E4393C")
            .Check("Jigsaw:Logo", o => o.Logo, o => !o.Logo.Contains("..") && !Path.IsPathRooted(o.Logo), "an image file inside config/, e.g. images/logo.png")
            .ValidateOnStart();
        return services
            .AddSingleton<JigsawFlow>()
            .AddSingleton<IGameFlow>(sp => sp.GetRequiredService<JigsawFlow>())
            .AddHostedService(sp => sp.GetRequiredService<JigsawFlow>())
            .AddDeepLink(JigsawFlow.Prefix, sp => sp.GetRequiredService<JigsawFlow>().Claim)
            .AddClaimCode(sp => sp.GetRequiredService<JigsawFlow>().ClaimCode)
            .AddCommands(sp => [sp.GetRequiredService<JigsawFlow>().Spec]);
    }
}
