using GroupBot.Tests.Support;
using Microsoft.Playwright;

namespace GroupBot.Tests.OpsConsole;

/// <summary>Runs only when GROUPBOT_SCREENSHOTS names a folder: the README's pictures are made on purpose, not on every run.</summary>
public sealed class ScreenshotsFactAttribute : FactAttribute
{
    public const string Variable = "GROUPBOT_SCREENSHOTS";

    public ScreenshotsFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"set {Variable}=<folder> to save the console's screenshots there";
    }
}

/// <summary>
/// The README's screenshots: a console with sample data (a broadcast with a sent, a skipped and a failed group, a live
/// game, a 429, points), signed in on a phone-sized screen, each main tab saved as a PNG.
/// GROUPBOT_SCREENSHOTS=$PWD/src/GroupBot/Console/screenshots dotnet test --filter ConsoleScreenshots
/// </summary>
[Trait("Category", "Browser")]
public sealed class ConsoleScreenshots(Chromium chromium) : IClassFixture<Chromium>
{
    private static readonly string[] Tabs = ["templates", "schedules", "groups", "games", "outbox", "boards"];

    [ScreenshotsFact]
    public async Task Save_the_main_tabs_at_phone_size()
    {
        var folder = Environment.GetEnvironmentVariable(ScreenshotsFactAttribute.Variable)!;
        Directory.CreateDirectory(folder);
        await using var host = await ConsoleHost.Start();
        await ConsoleBroadcastTests.FireDaily(host);
        await host.Bot.Say(ConsoleHost.Bob, "大家好");
        await host.Bot.Say(BotHarness.Owner, "/award @bob 30 好文案");
        await host.Bot.Say(BotHarness.Owner, "/lottery 10 88 新品试用装");
        host.Bot.Chat_.Flood[BotHarness.Chat] = TimeSpan.FromSeconds(40);
        host.Bot.Get<GroupBot.Pipeline.EventSink>().Post(new GroupBot.Chat.MessageReceived(BotHarness.Group, BotHarness.Owner, 900, "/faq"));

        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
            { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(await host.Link());
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync("body[data-ready=yes]");
        foreach (var tab in Tabs)
        {
            await page.ClickAsync($"#tabs a[data-tab={tab}]");
            await page.WaitForSelectorAsync($"section#{tab}:visible");
            if (tab == "templates")
            {
                await page.SelectOptionAsync("#tpl-name", "faq_not_found");
                await page.WaitForSelectorAsync("#tpl-preview:not(:empty)");
            }
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var file = Path.Combine(folder, $"console-{tab}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file });
            Assert.True(new FileInfo(file).Length > 5_000, file);
        }
    }
}
