using GroupBot.Chat;
using GroupBot.Hosting;
using GroupBot.Storage;
using GroupBot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace GroupBot.Tests.Storage;

public sealed class StorageFailureTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp();

    public void Dispose()
    {
        FlakyFile.Full = false;
        _dir.Dispose();
    }

    [Fact]
    public async Task When_the_database_file_cannot_be_written_the_bot_stops_with_one_line_and_loses_nothing()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var chat = new FakeChat();
        chat.Admins.Add(BotHarness.Owner.Id);
        var path = _dir.File("bot.db");
        using (var host = BotHost.Build([], Repo.Root, TestHosts.Settings(_dir), services =>
        {
            services.AddSingleton<IChatAdapter>(chat);
            services.AddSingleton<TimeProvider>(time);
            services.AddSingleton(sp => new Database(path, time: time, log: sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Database>>(), openLiteLog: p => new FlakyFile(p)));
        }))
        {
            await host.StartAsync();
            await chat.Deliver(new MessageReceived(BotHarness.Group, BotHarness.Owner, 1, "/faq add 营业时间 每天九点"));
            FlakyFile.Full = true;
            time.Advance(Database.WriteBehindInterval);
            await host.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(StorageWatch.ExitCode, host.Services.GetRequiredService<RunOutcome>().ExitCode);
            FlakyFile.Full = false;
        }
        var lines = Directory.GetFiles(_dir.File("logs")).SelectMany(f => File.ReadAllLines(f)).Where(l => l.Contains("could not be written")).ToList();
        Assert.Single(lines);
        Assert.Contains("Nothing is lost", lines[0]);

        // The journal kept the answer: the next start has it.
        await using var bot = await BotHarness.Start(_dir);
        Assert.Contains("每天九点", (await bot.Say(BotHarness.Owner, "/faq 营业时间")).OfType<SendText>().Single().Text);
    }
}
