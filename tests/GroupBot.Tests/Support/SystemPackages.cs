using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace GroupBot.Tests.Support;

/// <summary>
/// The Debian packages some tests need (a headless browser for the console, CJK fonts for posters and charts), installed
/// before any test runs when they are missing, as the Bot API peer's fixture runs npm ci itself: `dotnet test` on a fresh
/// machine needs no other step. Where it cannot install (not root, no apt-get), the tests that need them say what to install.
/// </summary>
public static class SystemPackages
{
    public const string Chromium = "/usr/bin/chromium";
    public const string CjkFont = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

    public static bool Missing => !File.Exists(Chromium) || !File.Exists(CjkFont);

    [ModuleInitializer]
    internal static void EnsureAtLoad()
    {
        if (!Missing || !File.Exists("/usr/bin/apt-get") || Environment.UserName != "root") return;
        Run("apt-get", "update -qq");
        Run("apt-get", "install -y -qq chromium fonts-noto-cjk fontconfig");
    }

    private static void Run(string file, string args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync(); // drained so a chatty install never blocks on a full pipe
        _ = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
    }
}
