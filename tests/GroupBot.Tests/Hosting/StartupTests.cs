using System.Diagnostics;
using GroupBot.Hosting;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GroupBot.Tests.Hosting;

public sealed class StartupTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp().WithBotFiles();

    private string AppSettings => Path.Combine(_dir.Path, "config", "appsettings.json");

    [Theory]
    [InlineData("\"TimeZone\": \"Asia/Shanghai\"", "\"TimeZone\": \"Mars/Olympus\"", "Bot:TimeZone = 'Mars/Olympus' is invalid; expected an IANA time zone")]
    [InlineData("\"Language\": \"zh-CN\"", "\"Language\": \"fr\"", "Bot:Language = 'fr' is invalid; expected one of zh-CN, en")]
    [InlineData("\"PollTimeoutSeconds\": 25", "\"PollTimeoutSeconds\": 500", "Telegram:PollTimeoutSeconds = '500' is invalid; expected seconds from 0 to 50")]
    [InlineData("\"BaseUrl\": \"\"", "\"BaseUrl\": \"ftp://x\"", "Telegram:BaseUrl = 'ftp://x' is invalid")]
    [InlineData("\"MaxPostsPerDay\": 3", "\"MaxPostsPerDay\": -1", "Posting:MaxPostsPerDay = '-1' is invalid; expected a number of posts from 0 to 100")]
    [InlineData("\"QuietHours\": \"22:00-08:00\"", "\"QuietHours\": \"25:00-08:00\"", "Posting:QuietHours = '25:00-08:00' is invalid; expected a local time range")]
    [InlineData("\"GlobalPerSecond\": 28", "\"GlobalPerSecond\": 0", "Outbox:GlobalPerSecond = '0' is invalid; expected messages a second, more than 0")]
    [InlineData("\"MaxAttempts\": 8", "\"MaxAttempts\": 0", "Outbox:MaxAttempts = '0' is invalid; expected tries from 1 to 100")]
    [InlineData("\"MaxInFlight\": 8", "\"MaxInFlight\": 0", "Outbox:MaxInFlight = '0' is invalid; expected requests under way at once, from 1 to 100")]
    [InlineData("\"Operators\": []", "\"Operators\": [\"bob\"]", "Bot:Operators = 'bob' is invalid; expected a list of positive Telegram user ids")]
    [InlineData("\"AdminCacheSeconds\": 120", "\"AdminCacheSeconds\": \"soon\"", "Bot:AdminCacheSeconds = 'soon' is invalid; expected a whole number")]
    [InlineData("\"GroupTitle\": \"演示群\"", "\"GroupTitle\": \"\"", "LocalChat:GroupTitle = '' is invalid; expected a group title")]
    public async Task A_bad_value_in_appsettings_stops_start_up_naming_file_key_and_expectation(string good, string bad, string expected)
    {
        Assert.Contains(good, File.ReadAllText(AppSettings));
        File.WriteAllText(AppSettings, File.ReadAllText(AppSettings).Replace(good, bad));
        var message = await StartFailure();
        Assert.Contains(AppSettings + ": " + expected, message);
    }

    [Fact]
    public async Task A_bad_value_from_the_command_line_names_the_command_line()
    {
        var message = await StartFailure(args: ["--Outbox:GlobalPerSecond=-1"]);
        Assert.Contains("command line --Outbox:GlobalPerSecond: Outbox:GlobalPerSecond = '-1' is invalid; expected", message);
    }

    [Fact]
    public async Task A_bad_token_from_the_environment_is_named_without_echoing_it()
    {
        var message = await StartFailure(("Telegram:BotToken", "not a token"));
        Assert.Contains("Telegram:BotToken", message);
        Assert.DoesNotContain("not a token", message);
    }

    [Fact]
    public async Task A_broken_template_stops_start_up_with_path_and_line()
    {
        File.AppendAllText(Path.Combine(_dir.Path, "templates", "zh-CN", "help.sbn"), "\n{{ for x in }}");
        var message = await StartFailure();
        Assert.Matches(@"help\.sbn:\d+:\d+: ", message);
    }

    [Fact]
    public async Task A_broken_faq_seed_stops_start_up_with_path_and_line()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "config", "faq.json"), "{ \"entries\": [ }");
        var message = await StartFailure();
        Assert.Contains("faq.json:1:", message);
    }

    [Fact]
    public async Task The_program_prints_one_clear_message_and_exits_non_zero()
    {
        File.WriteAllText(AppSettings, File.ReadAllText(AppSettings).Replace("\"Asia/Shanghai\"", "\"Nowhere/City\""));
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "GroupBot.dll")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            Environment = { [BotHost.RootVariable] = _dir.Path, ["Storage__Path"] = _dir.File("x.db") },
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Equal("GroupBot cannot start: " + AppSettings + ": Bot:TimeZone = 'Nowhere/City' is invalid; expected an IANA time zone such as Asia/Shanghai",
            stderr.Trim()); // one line: no stack trace from the host around it
    }

    private async Task<string> StartFailure(params (string, string?)[] extra) => await StartFailure([], extra);

    private async Task<string> StartFailure(string[] args, params (string, string?)[] extra)
    {
        var settings = TestHosts.Settings(_dir, extra);
        // The test hosts lift the outbox limits (applied last); here the file and command line must speak.
        foreach (var key in settings.Keys.Where(k => k.StartsWith("Outbox:", StringComparison.Ordinal)).ToList()) settings.Remove(key);
        using var host = BotHost.Build(args, _dir.Path, settings);
        try
        {
            await host.StartAsync();
            await host.StopAsync();
        }
        catch (Exception ex) when (BotHost.Describe(ex, host.Services.GetRequiredService<IConfiguration>()) is { } message)
        {
            return message;
        }
        throw new Xunit.Sdk.XunitException("start-up did not fail");
    }

    public void Dispose() => _dir.Dispose();
}
