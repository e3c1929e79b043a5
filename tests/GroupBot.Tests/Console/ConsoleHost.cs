using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using GroupBot.Chat;
using GroupBot.Tests.Support;
using GroupBot.Web;

namespace GroupBot.Tests.OpsConsole;

/// <summary>The whole bot (fake chat, fake time) with its web server on a free port, an operator (Owner) and a member (Bob).</summary>
public sealed partial class ConsoleHost : IAsyncDisposable
{
    public static readonly ChatUser Bob = new(2, "Bob", "bob");
    public TempDir Dir { get; } = Repo.Temp().WithBotFiles();
    public BotHarness Bot { get; private set; } = null!;
    public Uri Address => Bot.Get<WebServer>().Address!;

    public static async Task<ConsoleHost> Start()
    {
        var host = new ConsoleHost();
        host.Bot = await BotHarness.Start(host.Dir, host.Dir.Path, ("Bot:Operators:0", BotHarness.Owner.Id.ToString()));
        // The group is known to the bot once something was said there.
        await host.Bot.Say(BotHarness.Owner, "/faq");
        return host;
    }

    public static ChatInfo PrivateOf(ChatUser user) => new(user.Id, ChatKind.Private, user.FirstName);

    /// <summary>What the bot answers <paramref name="user"/>'s /console in a private chat.</summary>
    public async Task<string> AskConsole(ChatUser user) => (await Bot.SayIn(PrivateOf(user), user, "/console")).All();

    /// <summary>A fresh sign-in link for the operator.</summary>
    public async Task<string> Link()
    {
        var reply = await AskConsole(BotHarness.Owner);
        return LinkIn(reply) ?? throw new InvalidOperationException("no link in: " + reply);
    }

    public static string? LinkIn(string text) => LinkPattern().Match(text) is { Success: true } m ? m.Value : null;

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/signin\?t=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();

    public HttpClient Client(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = Address };

    /// <summary>POSTs the link's token as the sign-in page's button does.</summary>
    public static async Task<HttpResponseMessage> Redeem(HttpClient client, string link) =>
        await client.PostAsync("/signin", new FormUrlEncodedContent([new("t", link[(link.IndexOf("t=", StringComparison.Ordinal) + 2)..])]));

    /// <summary>A signed-in client and its CSRF token.</summary>
    public async Task<(HttpClient Client, string Csrf)> SignedIn()
    {
        var client = Client();
        var response = await Redeem(client, await Link());
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var session = await client.GetFromJsonAsync<JsonElement>("/api/session");
        return (client, session.GetProperty("csrf").GetString()!);
    }

    public static Task<HttpResponseMessage> PostJson(HttpClient client, string path, object body, string? csrf)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (csrf is not null) request.Headers.Add("X-CSRF-Token", csrf);
        return client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await Bot.DisposeAsync();
        Dir.Dispose();
    }
}
