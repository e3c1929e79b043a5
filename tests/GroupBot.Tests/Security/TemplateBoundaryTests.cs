using GroupBot.Chat;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Security;

/// <summary>Templates through the whole bot (issue 11, items 3 and 5): no file outside templates/, no server paths in a group.</summary>
public sealed class TemplateBoundaryTests : IAsyncLifetime
{
    private static readonly ChatUser Owner = BotHarness.Owner;
    private static readonly ChatUser Amy = new(301, "Amy", "amy");
    private readonly TempDir _dir = Repo.Temp();
    private readonly TempDir _outside = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync()
    {
        _dir.WithBotFiles();
        // A runtime error in the /me template (past the loop limit), as a careless edit would make.
        File.AppendAllText(Path.Combine(_dir.Path, "templates", "zh-CN", "me.sbn"), "\n{{ for i in 1..1000000 }}x{{ end }}");
        _bot = await BotHarness.Start(_dir, _dir.Path);
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
        _outside.Dispose();
    }

    [Fact]
    public async Task Preview_of_a_path_outside_the_templates_folder_is_refused_with_a_clear_reply()
    {
        var secret = Path.Combine(_outside.Path, "secret.sbn");
        File.WriteAllText(secret, "TOP SECRET");
        var postsFolder = Path.Combine(_dir.Path, "templates", "zh-CN", "posts");
        var relative = Path.GetRelativePath(postsFolder, secret)[..^4];
        Assert.StartsWith("..", relative);
        foreach (var name in new[] { relative, "../../../../../../../../.." + secret[..^4], secret[..^4] })
        {
            var actions = await _bot.Say(Owner, "/preview " + name);
            var all = actions.All();
            Assert.DoesNotContain("TOP SECRET", all);
            Assert.Contains("不合法", Assert.Single(actions.OfType<SendText>()).Text);
            Assert.DoesNotContain("TOP SECRET", (await _bot.Say(Owner, "/post " + name)).All());
        }
    }

    [Fact]
    public async Task A_render_error_shows_a_neutral_text_and_logs_the_detail()
    {
        var text = Assert.Single((await _bot.Say(Amy, "/me")).OfType<SendText>()).Text;
        Assert.Equal("⚠️ 抱歉，这里出了点问题，已记录并通知运营。", text);
        Assert.DoesNotContain(_dir.Path, text);
        await _bot.AdvanceAll(TimeSpan.FromSeconds(1));
        Assert.Contains(_bot.Logs(), l => l.Contains("me.sbn") && l.Contains("failed to render"));
    }
}
