using GroupBot.Posting;
using GroupBot.Tests.Support;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace GroupBot.Tests.OpsConsole;

/// <summary>Debian's chromium, headless, driven by Playwright (its own browser download is never used), once per test class.</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Path = "/usr/bin/chromium";
    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path)) throw new InvalidOperationException($"{Path} is missing: apt-get install -y chromium fonts-noto-cjk (.ci/run does)");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>The console in a real browser, on a phone-sized screen: sign-in, templates with live preview, config edits, actions.</summary>
[Trait("Category", "Browser")]
public sealed class ConsoleBrowserTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    /// <summary>Screenshots of a failing test's page land here (outside the repository).</summary>
    public static readonly string Screens = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "groupbot-console-screens");

    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.Start();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<IPage> NewPage()
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    /// <summary>Runs the steps; on failure saves a screenshot of the page and says where.</summary>
    private static async Task Steps(IPage page, string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception ex)
        {
            Directory.CreateDirectory(Screens);
            var file = System.IO.Path.Combine(Screens, $"{name}-{DateTime.UtcNow:HHmmss}.png");
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            }
            catch (PlaywrightException)
            {
                // The page is gone: the original failure is what matters.
            }
            throw new Xunit.Sdk.XunitException($"{ex.Message}\nscreenshot: {file}\n{ex}");
        }
    }

    private async Task SignIn(IPage page)
    {
        await page.GotoAsync(await _host.Link());
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync("body[data-ready=yes]");
    }

    [Fact]
    public async Task Sign_in_by_link_once_and_never_without_one()
    {
        var page = await NewPage();
        await Steps(page, "signin", async () =>
        {
            await page.GotoAsync(_host.Address.ToString());
            await page.WaitForSelectorAsync("#need-signin");
            Assert.Contains("/console", await page.InnerTextAsync("body"));

            var link = await _host.Link();
            await page.GotoAsync(link);
            // The page's own inline style is allowed by its hash in the CSP (and nothing else inline is).
            await Assertions.Expect(page.Locator("#signin")).ToHaveCSSAsync("background-color", "rgb(31, 111, 235)");
            await page.ClickAsync("#signin");
            await page.WaitForSelectorAsync("body[data-ready=yes]");
            Assert.Contains("@owner", await page.InnerTextAsync("#who"));

            // The same link in another browser: used.
            var other = await NewPage();
            await other.GotoAsync(link);
            await other.ClickAsync("#signin");
            await other.WaitForSelectorAsync("#link-used");
            await other.GotoAsync(_host.Address.ToString());
            await other.WaitForSelectorAsync("#need-signin");

            // A link opened after its time: expired.
            var late = await _host.Link();
            _host.Bot.Time.Advance(TimeSpan.FromMinutes(11));
            await other.GotoAsync(late);
            await other.ClickAsync("#signin");
            await other.WaitForSelectorAsync("#link-expired");

            // Sign out: the page asks for a link again.
            await page.ClickAsync("#signout");
            await page.WaitForSelectorAsync("#need-signin");
        });
    }

    [Fact]
    public async Task Edit_a_template_see_the_preview_change_and_a_broken_one_marked_while_the_bot_keeps_the_old()
    {
        var page = await NewPage();
        var original = (await _host.Bot.Say(BotHarness.Owner, "/faq 火星")).All();
        await Steps(page, "template", async () =>
        {
            await SignIn(page);
            await page.SelectOptionAsync("#tpl-name", "faq_not_found");
            await Assertions.Expect(page.Locator("#tpl-text")).ToHaveValueAsync(new Regex("没"));
            await page.FillAsync("#tpl-text", "预览测试：{{ query }} 没找到");
            await Assertions.Expect(page.Locator("#tpl-preview")).ToContainTextAsync("预览测试：物流 没找到");

            await page.FillAsync("#tpl-text", "第一行\n{{ if query }}没有结束");
            await page.WaitForSelectorAsync("#tpl-errors li");
            Assert.Contains("line 2:", await page.InnerTextAsync("#tpl-errors"));
            Assert.Equal("2", await page.InnerTextAsync("#tpl-gutter .bad"));
            await page.ClickAsync("#tpl-save");
            await page.WaitForSelectorAsync("#tpl-status.bad");
            Assert.Contains("上一个正确版本", await page.InnerTextAsync("#tpl-status"));
            Assert.Equal(original.Replace("火星", "土星"), (await _host.Bot.Say(BotHarness.Owner, "/faq 土星")).All());

            await page.FillAsync("#tpl-text", "网页改的：没找到「{{ query }}」");
            await page.ClickAsync("#tpl-save");
            await page.WaitForSelectorAsync("#tpl-status.good");
            Assert.Contains("网页改的：没找到「木星」", (await _host.Bot.Say(BotHarness.Owner, "/faq 木星")).All());

            // A post is previewed as Telegram shows its HTML: the copy variants in tap-to-copy code blocks, per product.
            await page.SelectOptionAsync("#tpl-name", "posts/daily_product");
            await page.WaitForSelectorAsync("#tpl-preview code");
            var product = _host.Bot.Get<Catalog>().Products[1];
            await page.SelectOptionAsync("#tpl-product", product.Id);
            await Assertions.Expect(page.Locator("#tpl-preview")).ToContainTextAsync(product.Name);
            Assert.DoesNotContain("<code>", await page.InnerTextAsync("#tpl-preview"));
        });
    }

    [Fact]
    public async Task Edit_a_schedule_with_its_errors_marked_and_see_its_next_time_per_group()
    {
        var page = await NewPage();
        await Steps(page, "schedule", async () =>
        {
            await SignIn(page);
            await page.ClickAsync("a[data-tab=config]");
            await page.SelectOptionAsync("#cfg-file", "schedules");
            await Assertions.Expect(page.Locator("#cfg-text")).ToHaveValueAsync(new Regex("\"daily\""));
            var text = await page.InputValueAsync("#cfg-text");
            Assert.Contains("\"0 0 10 * * ?\"", text);

            await page.FillAsync("#cfg-text", text.Replace("\"0 0 10 * * ?\"", "\"not a cron\""));
            await page.ClickAsync("#cfg-save");
            await page.WaitForSelectorAsync("#cfg-status.bad");
            Assert.Matches(@"line \d+:\d+", await page.InnerTextAsync("#cfg-errors"));
            Assert.Equal("0 0 10 * * ?", _host.Bot.Get<Schedules>().Find("daily")!.Cron);

            await page.FillAsync("#cfg-text", text.Replace("\"0 0 10 * * ?\"", "\"0 30 11 * * ?\""));
            await page.ClickAsync("#cfg-save");
            await page.WaitForSelectorAsync("#cfg-status.good");
            Assert.Equal("0 30 11 * * ?", _host.Bot.Get<Schedules>().Find("daily")!.Cron);

            await page.ClickAsync("a[data-tab=schedules]");
            await page.WaitForSelectorAsync("#sch-list table");
            Assert.Contains("11:30", await page.InnerTextAsync("#sch-list"));
        });
    }

    [Fact]
    public async Task A_file_picked_while_another_still_loads_is_the_one_in_the_editor()
    {
        var page = await NewPage();
        await Steps(page, "config-race", async () =>
        {
            await SignIn(page);
            // The first file's answer comes last, as on a slow network: it must not replace the file picked after it.
            var release = new TaskCompletionSource();
            await page.RouteAsync("**/api/config?file=products*", async route =>
            {
                await release.Task;
                await route.ContinueAsync();
            });
            await page.ClickAsync("a[data-tab=config]");
            Assert.Equal("products", await page.InputValueAsync("#cfg-file"));
            await page.SelectOptionAsync("#cfg-file", "schedules");
            await Assertions.Expect(page.Locator("#cfg-text")).ToHaveValueAsync(new Regex("\"daily\""));
            release.SetResult();
            await page.WaitForSelectorAsync("body[data-config-loads='2']", new() { State = WaitForSelectorState.Attached });
            Assert.Contains("\"daily\"", await page.InputValueAsync("#cfg-text"));
            Assert.DoesNotContain("\"listPrice\"", await page.InputValueAsync("#cfg-text"));
        });
    }

    [Fact]
    public async Task Pause_a_group_and_read_it_in_the_activity_page()
    {
        var page = await NewPage();
        await Steps(page, "groups", async () =>
        {
            await SignIn(page);
            await page.ClickAsync("a[data-tab=groups]");
            await page.ClickAsync("button.pause");
            await page.WaitForSelectorAsync("#grp-status.good");
            Assert.Contains("已暂停", (await _host.Bot.Settle(TimeSpan.Zero)).All());
            await page.ClickAsync("a[data-tab=activity]");
            await page.WaitForSelectorAsync("#act-list td");
            var log = await page.InnerTextAsync("#act-list");
            Assert.Contains("group.pause", log);
            Assert.Contains("@owner", log);
        });
    }

    [Fact]
    public async Task See_a_broadcasts_delivery_report_per_group()
    {
        await ConsoleBroadcastTests.FireDaily(_host);
        var page = await NewPage();
        await Steps(page, "broadcasts", async () =>
        {
            await SignIn(page);
            await page.ClickAsync("a[data-tab=outbox]");
            var report = page.Locator(".broadcast", new PageLocatorOptions { HasText = "daily" });
            await Assertions.Expect(report).ToContainTextAsync("已发送 sent 1");
            await Assertions.Expect(report).ToContainTextAsync("跳过 skipped 1");
            await Assertions.Expect(report).ToContainTextAsync("失败 failed 1");
            await Assertions.Expect(report.Locator("tr", new LocatorLocatorOptions { HasText = ConsoleBroadcastTests.Paused.Title })).ToContainTextAsync("已暂停 paused");
        });
    }
}
