using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GroupBot.Chat;
using GroupBot.Posting;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.OpsConsole;

/// <summary>Sign-in, sessions, CSRF and paths of the operators' console, over real HTTP to the bot's web server.</summary>
public sealed class ConsoleSecurityTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.Start();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Console_command_gives_an_operator_a_link_in_private_and_nobody_else()
    {
        var reply = await _host.AskConsole(BotHarness.Owner);
        Assert.Contains("控制台", reply);
        Assert.NotNull(ConsoleHost.LinkIn(reply));

        var member = await _host.AskConsole(ConsoleHost.Bob);
        Assert.Contains("只对运营开放", member);
        Assert.Null(ConsoleHost.LinkIn(member));

        var inGroup = (await _host.Bot.Say(BotHarness.Owner, "/console")).All();
        Assert.Contains("私聊", inGroup);
        Assert.Null(ConsoleHost.LinkIn(inGroup));
        // The token is never logged.
        var token = ConsoleHost.LinkIn(reply)!.Split("t=")[1];
        Assert.DoesNotContain(_host.Bot.Logs(), l => l.Contains(token, StringComparison.Ordinal));
    }

    private static readonly (string Method, string Path)[] Routes =
    [
        ("GET", "/"), ("GET", "/assets/app.js"), ("GET", "/assets/app.css"), ("GET", "/api/session"), ("GET", "/api/templates"),
        ("GET", "/api/template?lang=zh-CN&name=faq_answer"), ("GET", "/api/products"), ("GET", "/api/config?file=products"),
        ("GET", "/api/groups"), ("GET", "/api/schedules"), ("GET", "/api/games"), ("GET", "/api/outbox"), ("GET", "/api/activity"),
        ("GET", "/api/faq/try?q=x"), ("GET", "/api/nothing/here"), ("POST", "/api/template/preview"), ("POST", "/api/template/save"),
        ("POST", "/api/config/check"), ("POST", "/api/config/save"), ("POST", "/api/groups/pause"), ("POST", "/api/games/act"),
        ("POST", "/api/post/preview"), ("POST", "/api/post"), ("POST", "/signout"),
    ];

    [Fact]
    public async Task No_route_answers_without_a_session()
    {
        foreach (var (method, path) in Routes) await RefusedWithoutSession(method, path);
    }

    private async Task RefusedWithoutSession(string method, string path)
    {
        using var client = _host.Client();
        var response = method == "GET" ? await client.GetAsync(path) : await ConsoleHost.PostJson(client, path, new { lang = "zh-CN", name = "faq_answer", text = "x", file = "faq" }, "x");
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {response.StatusCode}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("{{", body);
        Assert.DoesNotContain("products", body);
        // A forged cookie is no session either.
        using var forged = _host.Client(Cookies("forged-session-id"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/session")).StatusCode);
    }

    private CookieContainer Cookies(string value)
    {
        var jar = new CookieContainer();
        jar.Add(_host.Address, new Cookie("groupbot_console", value));
        return jar;
    }

    [Fact]
    public async Task A_link_signs_in_once_with_a_strict_http_only_cookie()
    {
        var link = await _host.Link();
        using var client = _host.Client();
        // Opening the link (or a chat app's preview of it) only shows the button; it does not use the link up.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(link)).StatusCode);
        var response = await ConsoleHost.Redeem(client, link);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var session = await client.GetFromJsonAsync<JsonElement>("/api/session");
        Assert.Equal(BotHarness.Owner.Id, session.GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        using var other = _host.Client();
        var again = await ConsoleHost.Redeem(other, link);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("链接已使用", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/session")).StatusCode);

        var wrong = await ConsoleHost.Redeem(other, link[..^3] + "abc");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("链接无效", await wrong.Content.ReadAsStringAsync());

        // Signing out ends the session for good.
        var csrf = session.GetProperty("csrf").GetString();
        Assert.Equal(HttpStatusCode.OK, (await ConsoleHost.PostJson(client, "/signout", new { }, csrf)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/session")).StatusCode);
    }

    [Fact]
    public async Task A_link_expires_and_a_session_ends_on_time_or_when_its_user_is_no_operator()
    {
        var link = await _host.Link();
        _host.Bot.Time.Advance(TimeSpan.FromMinutes(10));
        using var late = _host.Client();
        var response = await ConsoleHost.Redeem(late, link);
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("链接已过期", await response.Content.ReadAsStringAsync());

        var (client, _) = await _host.SignedIn();
        _host.Bot.Time.Advance(TimeSpan.FromHours(12));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/session")).StatusCode);
    }

    [Fact]
    public async Task A_change_without_the_sessions_csrf_token_is_refused_and_changes_nothing()
    {
        var (client, csrf) = await _host.SignedIn();
        var file = Path.Combine(_host.Dir.Path, "templates", "zh-CN", "faq_not_found.sbn");
        var before = await File.ReadAllTextAsync(file);
        var edit = new { lang = "zh-CN", name = "faq_not_found", text = "改过了" };
        Assert.Equal(HttpStatusCode.Forbidden, (await ConsoleHost.PostJson(client, "/api/template/save", edit, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ConsoleHost.PostJson(client, "/api/template/save", edit, csrf + "x")).StatusCode);
        var (other, otherCsrf) = await _host.SignedIn();
        Assert.Equal(HttpStatusCode.Forbidden, (await ConsoleHost.PostJson(client, "/api/template/save", edit, otherCsrf)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ConsoleHost.PostJson(client, "/api/groups/pause", new { chat = BotHarness.Chat, pause = true }, null)).StatusCode);
        Assert.Equal(before, await File.ReadAllTextAsync(file));
        Assert.False(_host.Bot.Get<GroupBot.Community.Groups>().Find(BotHarness.Chat)!.PostsPaused);

        Assert.Equal(HttpStatusCode.OK, (await ConsoleHost.PostJson(client, "/api/template/save", edit, csrf)).StatusCode);
        Assert.Equal("改过了", await File.ReadAllTextAsync(file));
        other.Dispose();
    }

    private static readonly (string Lang, string Name)[] BadNames =
    [
        ("zh-CN", "../../config/appsettings"), ("zh-CN", "../faq_answer"), ("zh-CN", "posts/../../../x"), ("zh-CN", "/etc/passwd"),
        ("zh-CN", "..\\..\\x"), ("../config", "faq_answer"), ("..", "faq_answer"), ("/tmp", "faq_answer"), ("zh-CN/..", "faq_answer"),
        ("fr", "faq_answer"), ("zh-CN", "faq_answer.sbn"), ("zh-CN", "%2e%2e/x"), ("zh-CN", ""), ("zh-CN", "no_such_template"),
    ];

    [Fact]
    public async Task No_template_path_leaves_the_templates_folder()
    {
        var (client, csrf) = await _host.SignedIn();
        var before = Snapshot();
        foreach (var (lang, name) in BadNames) await TemplateRefused(client, csrf, lang, name);
        Assert.Equal(before, Snapshot());
    }

    private static async Task TemplateRefused(HttpClient client, string csrf, string lang, string name)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/template?lang={Uri.EscapeDataString(lang)}&name={Uri.EscapeDataString(name)}")).StatusCode);
        var save = await ConsoleHost.PostJson(client, "/api/template/save", new { lang, name, text = "pwned" }, csrf);
        Assert.True(save.StatusCode == HttpStatusCode.UnprocessableEntity, $"{lang} {name}: {save.StatusCode}");
    }

    [Fact]
    public async Task No_config_path_leaves_the_four_files()
    {
        var (client, csrf) = await _host.SignedIn();
        var before = Snapshot();
        foreach (var file in new[] { "../config/appsettings", "appsettings", "products.json", "/etc/passwd", "../../x", "", "faq/../appsettings" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/config?file={Uri.EscapeDataString(file)}")).StatusCode);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await ConsoleHost.PostJson(client, "/api/config/save", new { file, text = "{}" }, csrf)).StatusCode);
        }
        Assert.Equal(before, Snapshot());
    }

    /// <summary>Every file of the bot's folder (and the temp folder's root) with its text.</summary>
    private Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFiles(_host.Dir.Path, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/logs/") && !f.Contains("bot.db"))
            .ToDictionary(f => f, File.ReadAllText);

    [Fact]
    public async Task A_saved_template_serves_at_once_and_a_broken_one_shows_line_and_column_while_the_last_good_one_serves()
    {
        var (client, csrf) = await _host.SignedIn();
        var good = await ConsoleHost.PostJson(client, "/api/template/save",
            new { lang = "zh-CN", name = "faq_not_found", text = "🔍 控制台改的：没找到「{{ query }}」" }, csrf);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Contains("控制台改的：没找到「火星」", (await _host.Bot.Say(BotHarness.Owner, "/faq 火星")).All());

        var broken = await ConsoleHost.PostJson(client, "/api/template/save",
            new { lang = "zh-CN", name = "faq_not_found", text = "第一行\n{{ if query }}没有结束" }, csrf);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
        var error = (await broken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.Equal(2, error.GetProperty("line").GetInt32());
        Assert.True(error.GetProperty("column").GetInt32() > 0);
        Assert.DoesNotContain(_host.Dir.Path, error.GetProperty("message").GetString());
        Assert.Contains("控制台改的：没找到「金星」", (await _host.Bot.Say(BotHarness.Owner, "/faq 金星")).All());

        // A template that parses but fails with the sample data is refused the same way (as `templates check` would).
        var runtime = await ConsoleHost.PostJson(client, "/api/template/save",
            new { lang = "zh-CN", name = "faq_not_found", text = "ok\n{{ include \"no_such_partial\" }}" }, csrf);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, runtime.StatusCode);

        var activity = await client.GetFromJsonAsync<JsonElement>("/api/activity");
        var saved = Assert.Single(activity.EnumerateArray(), r => r.GetProperty("action").GetString() == "template.save");
        Assert.Equal("@owner", saved.GetProperty("who").GetString());
        Assert.Equal("templates/zh-CN/faq_not_found.sbn", saved.GetProperty("target").GetString());
    }

    [Fact]
    public async Task A_config_edit_is_checked_like_at_start_and_reloads_when_good()
    {
        var (client, csrf) = await _host.SignedIn();
        var path = Path.Combine(_host.Dir.Path, "config", "products.json");
        var text = await File.ReadAllTextAsync(path);
        var bad = text.Replace("\"price\": 9.9", "\"price\": \"free\"");
        Assert.NotEqual(text, bad);
        var refused = await ConsoleHost.PostJson(client, "/api/config/save", new { file = "products", text = bad }, csrf);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.True(error.GetProperty("line").GetInt32() > 1);
        Assert.Contains("'free' is not an amount", error.GetProperty("message").GetString());
        Assert.Equal(text, await File.ReadAllTextAsync(path));

        var good = text.Replace("\"price\": 9.9", "\"price\": 8.8");
        Assert.Equal(HttpStatusCode.OK, (await ConsoleHost.PostJson(client, "/api/config/save", new { file = "products", text = good }, csrf)).StatusCode);
        Assert.Contains(_host.Bot.Get<Catalog>().Products, p => p.PriceFen == 880);
        Assert.Empty(Directory.GetFiles(Path.Combine(_host.Dir.Path, "config"), "*console-draft*"));
    }

    [Fact]
    public async Task Pause_from_the_console_is_the_chats_own_pause_command_from_that_operator()
    {
        var (client, csrf) = await _host.SignedIn();
        var response = await ConsoleHost.PostJson(client, "/api/groups/pause", new { chat = BotHarness.Chat, pause = true }, csrf);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var said = await _host.Bot.Settle(TimeSpan.Zero);
        Assert.Contains("已暂停", said.All());
        Assert.True(_host.Bot.Get<GroupBot.Community.Groups>().Find(BotHarness.Chat)!.PostsPaused);

        var unknown = await ConsoleHost.PostJson(client, "/api/groups/pause", new { chat = -42, pause = true }, csrf);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var activity = await client.GetFromJsonAsync<JsonElement>("/api/activity");
        Assert.Contains(activity.EnumerateArray(), r => r.GetProperty("action").GetString() == "group.pause");
    }
}
