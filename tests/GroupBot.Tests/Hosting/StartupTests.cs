using System.Diagnostics;
using GroupBot.Hosting;
using GroupBot.Tests.Support;
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
    [InlineData("\"MaxAttempts\": 8", "\"MaxAttempts\": 0", "Outbox:MaxAttempts = '0' is invalid; expected a number of tries from 1 to 100")]
    [InlineData("\"MaxInFlight\": 8", "\"MaxInFlight\": 0", "Outbox:MaxInFlight = '0' is invalid; expected a number of requests from 1 to 100")]
    public async Task A_bad_value_in_appsettings_stops_start_up_naming_file_key_and_expectation(string good, string bad, string expected)
    {
        File.WriteAllText(AppSettings, File.ReadAllText(AppSettings).Replace(good, bad));
        var message = await StartFailure();
        Assert.Contains(AppSettings + ": " + expected, message);
    }

    [Fact]
    public async Task A_rate_limit_of_zero_stops_start_up_instead_of_stalling_the_sender()
    {
        var message = await StartFailure(("Outbox:GlobalPerSecond", "0"));
        Assert.Contains("Outbox:GlobalPerSecond = '0' is invalid; expected a number above 0", message);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_the_key()
    {
        File.WriteAllText(AppSettings, File.ReadAllText(AppSettings).Replace("\"AdminCacheSeconds\": 120", "\"AdminCacheSeconds\": \"soon\""));
        var message = await StartFailure();
        Assert.Contains("Bot:AdminCacheSeconds", message);
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
        Assert.Contains("GroupBot cannot start: " + AppSettings + ": Bot:TimeZone = 'Nowhere/City' is invalid", stderr);
    }

    private async Task<string> StartFailure(params (string, string?)[] extra)
    {
        try
        {
            using var host = BotHost.Build([], _dir.Path, TestHosts.Settings(_dir, extra));
            await host.StartAsync();
            await host.StopAsync();
        }
        catch (Exception ex) when (BotHost.Describe(ex) is { } message)
        {
            return message;
        }
        throw new Xunit.Sdk.XunitException("start-up did not fail");
    }

    public void Dispose() => _dir.Dispose();
}
