using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GroupBot.Chat;
using GroupBot.Games;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.OpsConsole;

/// <summary>What the console does to groups and games goes through the chat's own commands; partials and the schedule forecast.</summary>
public sealed class ConsoleActionsTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.Start();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task End_a_game_from_the_console_as_the_chats_end_command()
    {
        var (client, csrf) = await _host.SignedIn();
        await _host.Bot.Say(BotHarness.Owner, "/lottery 3 1 栗子一袋");
        var game = Assert.Single(_host.Bot.Get<GameStore>().AllLive());
        var games = await client.GetFromJsonAsync<JsonElement>("/api/games");
        Assert.Equal(game.Id, games[0].GetProperty("id").GetInt32());
        Assert.Equal("¥1.00", games[0].GetProperty("pot").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await ConsoleHost.PostJson(client, "/api/games/act", new { chat = BotHarness.Chat, id = game.Id, action = "delete" }, csrf)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ConsoleHost.PostJson(client, "/api/games/act", new { chat = -5, id = game.Id, action = "end" }, csrf)).StatusCode);
        var response = await ConsoleHost.PostJson(client, "/api/games/act", new { chat = BotHarness.Chat, id = game.Id, action = "cancel" }, csrf);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _host.Bot.Settle(TimeSpan.Zero);
        Assert.Empty(_host.Bot.Get<GameStore>().AllLive());
        Assert.Equal(GameState.Cancelled, _host.Bot.Get<GameStore>().Find(BotHarness.Chat, game.Id)!.State);
    }

    [Fact]
    public async Task Post_now_previews_what_each_group_gets_then_posts_it_through_post()
    {
        var (client, csrf) = await _host.SignedIn();
        var preview = await ConsoleHost.PostJson(client, "/api/post/preview", new { schedule = "daily", chats = new[] { BotHarness.Chat } }, csrf);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var each = (await preview.Content.ReadFromJsonAsync<JsonElement>())[0];
        var product = each.GetProperty("product").GetString()!;
        Assert.Contains(product, each.GetProperty("text").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await ConsoleHost.PostJson(client, "/api/post", new { schedule = "daily", chats = Array.Empty<long>() }, csrf)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ConsoleHost.PostJson(client, "/api/post", new { schedule = "../x", chats = new[] { BotHarness.Chat } }, csrf)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await ConsoleHost.PostJson(client, "/api/post", new { schedule = "daily", chats = new[] { BotHarness.Chat } }, csrf)).StatusCode);
        var sent = await _host.Bot.Settle(TimeSpan.Zero);
        Assert.Contains(sent, a => a is SendPhoto p && p.Caption.Contains(product) || a is SendText t && t.Text.Contains(product));
    }

    [Fact]
    public async Task The_forecast_flags_every_fire_of_a_paused_group()
    {
        var (client, csrf) = await _host.SignedIn();
        var before = await client.GetFromJsonAsync<JsonElement>("/api/forecast");
        var fires = before[0].GetProperty("fires");
        Assert.True(fires.GetArrayLength() > 0);
        Assert.All(fires.EnumerateArray(), f => Assert.Contains(f.GetProperty("skip").GetString(), new[] { null, "quiet_hours", "daily_cap", "min_gap" }));

        await ConsoleHost.PostJson(client, "/api/groups/pause", new { chat = BotHarness.Chat, pause = true }, csrf);
        await _host.Bot.Settle(TimeSpan.Zero);
        var after = await client.GetFromJsonAsync<JsonElement>("/api/forecast");
        Assert.All(after[0].GetProperty("fires").EnumerateArray(), f => Assert.Equal("paused", f.GetProperty("skip").GetString()));
    }

    [Fact]
    public async Task A_partial_is_checked_through_the_templates_that_include_it()
    {
        var (client, csrf) = await _host.SignedIn();
        var path = Path.Combine(_host.Dir.Path, "templates", "zh-CN", "_forms.sbn");
        var before = await File.ReadAllTextAsync(path);
        // Parses, but every template that includes it then fails: refused, and /help keeps working.
        var broken = await ConsoleHost.PostJson(client, "/api/template/save", new { lang = "zh-CN", name = "_forms", text = "{{ forms = 1 }}\n{{ include \"nope\" }}" }, csrf);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
        var error = (await broken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        Assert.Equal(2, error.GetProperty("line").GetInt32());
        Assert.Equal(before, await File.ReadAllTextAsync(path));
        Assert.Contains("/faq", (await _host.Bot.Say(BotHarness.Owner, "/help")).All());
    }
}

/// <summary>The delivery report of a scheduled broadcast: sent, skipped and why, failed and why, per group.</summary>
public sealed class ConsoleBroadcastTests : IAsyncLifetime
{
    public static readonly ChatInfo Gone = new(-1010, ChatKind.Supergroup, "已退群");
    public static readonly ChatInfo Paused = new(-1011, ChatKind.Supergroup, "暂停群");
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.Start();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Three groups, the daily post fired at 10:00 Shanghai: one gets it, one is paused, one has removed the bot.</summary>
    internal static async Task FireDaily(ConsoleHost host)
    {
        await host.Bot.SayIn(Gone, BotHarness.Owner, "/faq");
        await host.Bot.SayIn(Paused, BotHarness.Owner, "/pause");
        host.Bot.Chat_.Gone[Gone.Id] = true;
        // 2026-11-22 12:00 UTC is 20:00 in Shanghai: the next 10:00 there is 14 hours on.
        await host.Bot.Settle(TimeSpan.FromHours(14));
        await host.Bot.Settle(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task The_report_says_per_group_what_happened_to_a_scheduled_post()
    {
        await FireDaily(_host);
        var (client, _) = await _host.SignedIn();
        var reports = await client.GetFromJsonAsync<JsonElement>("/api/broadcasts");
        var daily = reports.EnumerateArray().First(r => r.GetProperty("schedule").GetString() == "daily");
        var groups = daily.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("chat").GetInt64());
        Assert.Equal("sent", groups[BotHarness.Chat].GetProperty("status").GetString());
        Assert.Equal("skipped", groups[Paused.Id].GetProperty("status").GetString());
        Assert.Equal("paused", groups[Paused.Id].GetProperty("why").GetString());
        Assert.Equal("failed", groups[Gone.Id].GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(groups[Gone.Id].GetProperty("why").GetString()));
    }
}

public sealed class ConsoleSwitchTests
{
    [Fact]
    public async Task Console_off_serves_nothing_and_console_says_so()
    {
        using var dir = Repo.Temp();
        await using var bot = await BotHarness.Start(dir, ("Bot:Operators:0", BotHarness.Owner.Id.ToString()), ("Console:Enabled", "false"));
        var reply = (await bot.SayIn(ConsoleHost.PrivateOf(BotHarness.Owner), BotHarness.Owner, "/console")).All();
        Assert.Contains("没有开启", reply);
        Assert.Null(ConsoleHost.LinkIn(reply));
    }

    [Fact]
    public async Task The_local_chat_prints_a_sign_in_link_at_start()
    {
        using var dir = Repo.Temp();
        await TestHosts.RunLocalScript(dir, "/faq\n");
        var logs = Directory.GetFiles(dir.File("logs")).SelectMany(File.ReadAllLines).ToList();
        var line = Assert.Single(logs, l => l.Contains("Console: open", StringComparison.Ordinal));
        Assert.Contains("[WRN]", line);
        Assert.NotNull(ConsoleHost.LinkIn(line));
    }
}

public sealed class ConsoleFaqTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.Start();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Faq_exports_as_csv_and_json_and_an_import_is_checked_then_answers()
    {
        var (client, csrf) = await _host.SignedIn();
        var csv = await client.GetStringAsync("/api/faq/export?format=csv");
        Assert.StartsWith("key,question,aliases,answer", csv.TrimStart('\uFEFF'));
        var json = await client.GetStringAsync("/api/faq/export?format=json");
        Assert.Contains("\"entries\"", json);
        var try1 = await client.GetFromJsonAsync<JsonElement>("/api/faq/try?q=" + Uri.EscapeDataString("什么时候发货"));
        Assert.NotEqual("None", try1.GetProperty("kind").GetString());

        // A row with a key of two words is refused with its row; the file is unchanged.
        var path = Path.Combine(_host.Dir.Path, "config", "faq.json");
        var before = await File.ReadAllTextAsync(path);
        var bad = csv + "\"two words\",问题,,答案\r\n";
        var refused = await ConsoleHost.PostJson(client, "/api/faq/import", new { format = "csv", text = bad }, csrf);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        // The line the row starts on, as an editor counts them (answers may hold line breaks).
        Assert.Equal(csv.Count(c => c == '\n') + 1, error.GetProperty("line").GetInt32());
        Assert.Equal(before, await File.ReadAllTextAsync(path));

        var good = csv + "火星,\"火星能发货吗？\",\"mars|火星快递\",\"暂时不能，谢谢关注, 以后会的\"\r\n";
        Assert.Equal(HttpStatusCode.OK, (await ConsoleHost.PostJson(client, "/api/faq/import", new { format = "csv", text = good }, csrf)).StatusCode);
        Assert.Contains("暂时不能，谢谢关注, 以后会的", (await _host.Bot.Say(BotHarness.Owner, "/faq 火星快递")).All());
        var activity = await client.GetFromJsonAsync<JsonElement>("/api/activity");
        Assert.Contains(activity.EnumerateArray(), r => r.GetProperty("action").GetString() == "faq.import");
    }
}

public sealed class ConsoleBoardTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.Start();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_leaderboard_and_the_chart_are_served()
    {
        await _host.Bot.Say(ConsoleHost.Bob, "大家好");
        Assert.Contains("@bob", (await _host.Bot.Say(BotHarness.Owner, "/award @bob 30 好文案")).All());
        var (client, _) = await _host.SignedIn();
        var board = await client.GetFromJsonAsync<JsonElement>("/api/leaderboard?period=week&by=points");
        var first = board[0];
        Assert.Equal("@bob", first.GetProperty("name").GetString());
        Assert.Equal(30, first.GetProperty("points").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/leaderboard?period=year&by=points")).StatusCode);

        var png = await client.GetByteArrayAsync("/api/chart.png?days=7");
        Assert.True(png.Length > 1000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }
}

/// <summary>The outbox page: 429s in the last hour (the same count /status shows) and the chats a 429 holds back.</summary>
public sealed class ConsoleOutboxTests : IAsyncLifetime
{
    private ConsoleHost _host = null!;

    public async Task InitializeAsync() => _host = await ConsoleHost.Start();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_429_shows_in_the_last_hour_and_holds_its_chat_until_retry_after()
    {
        var (client, _) = await _host.SignedIn();
        var before = await client.GetFromJsonAsync<JsonElement>("/api/outbox");
        Assert.Equal(0, before.GetProperty("lastHour").GetProperty("rateLimited").GetInt64());
        Assert.Equal(0, before.GetProperty("held").GetArrayLength());

        _host.Bot.Chat_.Flood[BotHarness.Chat] = TimeSpan.FromSeconds(30);
        // Posted as the console posts commands: Say would wait for the reply, which the 429 holds on fake time.
        _host.Bot.Get<GroupBot.Pipeline.EventSink>().Post(new MessageReceived(BotHarness.Group, BotHarness.Owner, 900, "/faq"));
        JsonElement during = default;
        for (var i = 0; i < 200; i++)
        {
            during = await client.GetFromJsonAsync<JsonElement>("/api/outbox");
            if (during.GetProperty("held").GetArrayLength() > 0) break;
            await Task.Delay(10);
        }
        var held = Assert.Single(during.GetProperty("held").EnumerateArray());
        Assert.Equal(BotHarness.Chat, held.GetProperty("chat").GetInt64());
        Assert.Equal(_host.Bot.Time.GetUtcNow().UtcDateTime.AddSeconds(30), held.GetProperty("until").GetDateTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(1, during.GetProperty("lastHour").GetProperty("rateLimited").GetInt64());
        Assert.Contains(during.GetProperty("chats").EnumerateArray(), c => c.GetProperty("chat").GetInt64() == BotHarness.Chat);
        // The console reads the count /status reads, not one of its own.
        Assert.Equal(1, _host.Bot.Get<GroupBot.Operations.BotMetrics>().RateLimitedIn(TimeSpan.FromHours(1)));

        // Once retry_after has passed the reply goes out; the 429 still counts in the hour, nothing is held.
        var sent = await _host.Bot.Settle(TimeSpan.FromSeconds(31));
        Assert.NotEmpty(sent);
        var after = await client.GetFromJsonAsync<JsonElement>("/api/outbox");
        Assert.Equal(0, after.GetProperty("held").GetArrayLength());
        Assert.Equal(1, after.GetProperty("lastHour").GetProperty("rateLimited").GetInt64());
        Assert.True(after.GetProperty("lastHour").GetProperty("sent").GetInt64() >= 1);
    }
}
