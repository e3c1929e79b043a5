using System.Reflection;
using System.Text.Json;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Faq;
using GroupBot.Games;
using GroupBot.Pipeline;
using GroupBot.Posting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.OpsConsole;

/// <summary>
/// The console's pages and API on the bot's web server. Every route but the sign-in page needs a live session of a
/// current operator; every state-changing request also needs the session's CSRF token in the X-CSRF-Token header; every
/// change is recorded (ConsoleAudit). Actions on groups and games are the chat's own commands, posted to the EventSink
/// as from the signed-in operator, so the same rules and checks apply.
/// </summary>
public static class ConsoleRoutes
{
    public const string Cookie = "groupbot_console";
    public const string CsrfHeader = "X-CSRF-Token";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private delegate Task<IResult> Handler(HttpContext http, ConsoleSession session);

    public static void Map(IEndpointRouteBuilder app, IServiceProvider sp)
    {
        var signIn = sp.GetRequiredService<SignIn>();
        var audit = sp.GetRequiredService<ConsoleAudit>();
        var edits = sp.GetRequiredService<ConsoleEdits>();
        var trust = sp.GetRequiredService<Trust>();
        var groups = sp.GetRequiredService<Groups>();
        var games = sp.GetRequiredService<GameStore>();
        var catalog = sp.GetRequiredService<Catalog>();
        var schedules = sp.GetRequiredService<Schedules>();
        var scheduler = sp.GetRequiredService<PostScheduler>();
        var renderer = sp.GetRequiredService<PostRenderer>();
        var sink = sp.GetRequiredService<EventSink>();
        var outbox = sp.GetRequiredService<Outbox.OutboxQueue>();
        var faq = sp.GetRequiredService<FaqStore>();
        var options = sp.GetRequiredService<IOptions<ConsoleOptions>>();
        var log = sp.GetRequiredService<ILogger<SignIn>>();

        // A session counts only while its user is still an operator (Bot:Operators is re-read), or is the local owner.
        var localOwner = sp.GetRequiredService<IChatAdapter>() is Chat.Local.LocalChatAdapter local ? local.OwnerUser.Id : (long?)null;
        ConsoleSession? SessionOf(HttpContext http) =>
            signIn.Find(http.Request.Cookies[Cookie]) is { } s && (trust.IsOperator(s.User.Id) || s.User.Id == localOwner) ? s : null;

        RequestDelegate Guard(Handler handler, bool changes) => async http =>
        {
            Secure(http);
            var session = SessionOf(http);
            IResult result;
            if (session is null) result = http.Request.Path.StartsWithSegments("/api") ? Problem(401, "sign in first / 请先登录") : Page(401, NoSession);
            else if (changes && !SignIn.CsrfMatches(session, http.Request.Headers[CsrfHeader]))
            {
                log.LogWarning("Console: {Method} {Path} refused, no valid CSRF token (user {UserId})", http.Request.Method, http.Request.Path, session.User.Id);
                result = Problem(403, "CSRF token missing or wrong: reload the page / 请刷新页面后重试");
            }
            else
            {
                try
                {
                    result = await handler(http, session);
                }
                catch (BadRequest ex)
                {
                    result = Problem(400, ex.Message);
                }
            }
            await result.ExecuteAsync(http);
        };
        void Get(string path, Handler h) => app.MapGet(path, Guard(h, changes: false));
        void Post(string path, Handler h) => app.MapPost(path, Guard(h, changes: true));

        // —— sign-in: the only route that answers without a session ——
        app.MapGet("/signin", async http =>
        {
            Secure(http);
            var token = http.Request.Query["t"].ToString();
            // The link only shows a button: opening it (or a chat app's link preview) does not use it up; the button's POST does.
            await (token.Length is 0 or > 100 ? Page(401, NoSession) : Page(200, SignInForm(token))).ExecuteAsync(http);
        });
        app.MapPost("/signin", async http =>
        {
            Secure(http);
            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : null;
            var (session, problem) = signIn.Redeem(form?["t"].ToString());
            if (session is null)
            {
                log.LogWarning("Console: sign-in refused ({Problem})", problem);
                await Page(problem == LinkProblem.Unknown ? 401 : 410, LinkRefused(problem)).ExecuteAsync(http);
                return;
            }
            var https = http.Request.IsHttps || options.Value.PublicUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
            http.Response.Cookies.Append(Cookie, session.Id, new CookieOptions
            {
                // No Expires: the server ends the session on its own clock; the browser forgets the cookie when it closes.
                HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = https, Path = "/", IsEssential = true,
            });
            await audit.Record(session.User, "signin", "console");
            log.LogWarning("Console: {User} ({UserId}) signed in", session.User.DisplayName, session.User.Id);
            http.Response.Redirect("/", permanent: false);
            http.Response.StatusCode = 303;
        });
        Post("/signout", async (http, s) =>
        {
            signIn.End(s.Id);
            http.Response.Cookies.Delete(Cookie);
            await audit.Record(s.User, "signout", "console");
            return Results.Ok();
        });

        // —— the page and its assets ——
        Get("/", (_, _) => Task.FromResult(Asset("index.html")));
        Get("/assets/{file}", (http, _) => Task.FromResult(Asset(http.Request.RouteValues["file"] as string ?? "")));

        // —— API ——
        Get("/api/session", (_, s) => Ok(new { user = s.User.DisplayName, id = s.User.Id, csrf = s.Csrf }));

        Get("/api/templates", (_, _) => Ok(new { languages = Hosting.OptionsChecks.Languages, names = edits.TemplateNames() }));
        Get("/api/template", (http, _) =>
        {
            var (lang, name) = (http.Request.Query["lang"].ToString(), http.Request.Query["name"].ToString());
            return Task.FromResult(edits.ReadTemplate(lang, name) is { } t
                ? Results.Json(new { text = t.Text, fallback = t.Fallback }, Json)
                : Problem(404, "no such template / 没有这个模板"));
        });
        Post("/api/template/preview", async (http, _) =>
        {
            var body = await Body<TemplateEdit>(http);
            return await Edit(edits.CheckTemplate(body.Lang ?? "", body.Name ?? "", body.Text ?? "", body.Product));
        });
        Post("/api/template/save", async (http, s) =>
        {
            var body = await Body<TemplateEdit>(http);
            var result = edits.SaveTemplate(body.Lang ?? "", body.Name ?? "", body.Text ?? "");
            if (result.Ok) await audit.Record(s.User, "template.save", $"templates/{body.Lang}/{body.Name}.sbn", $"{body.Text!.Length} chars");
            return await Edit(result);
        });
        Get("/api/products", (_, _) => Ok(catalog.Products.Select(p => new { p.Id, p.Name })));

        Get("/api/config", (http, _) =>
        {
            var file = http.Request.Query["file"].ToString();
            return Task.FromResult(edits.ReadConfig(file) is { } text ? Results.Json(new { text }, Json) : Problem(404, "no such file / 没有这个文件"));
        });
        Post("/api/config/check", async (http, _) =>
        {
            var body = await Body<ConfigEdit>(http);
            return await Edit(edits.SaveConfig(body.File ?? "", body.Text ?? "", save: false));
        });
        Post("/api/config/save", async (http, s) =>
        {
            var body = await Body<ConfigEdit>(http);
            var result = edits.SaveConfig(body.File ?? "", body.Text ?? "", save: true);
            if (result.Ok) await audit.Record(s.User, "config.save", $"config/{ConsoleEdits.ConfigFiles[body.File!]}", $"{body.Text!.Length} chars");
            return await Edit(result);
        });

        Get("/api/groups", (_, _) => Ok(groups.Active().Select(g => new
        {
            id = g.ChatId, title = g.Title, paused = g.PostsPaused, zone = groups.TimeZoneOf(g).Id, language = groups.LanguageOf(g),
            tags = groups.TagsOf(g), trusted = trust.IsTrusted(g.ChatId),
        })));
        Get("/api/schedules", (_, _) => Ok(schedules.All.Select(s => new
        {
            s.Id, s.Template, s.Cron, zone = s.Zone?.Id,
            groups = groups.Active().Where(g => groups.Matches(g, s.Tags)).Select(g => new
            {
                id = g.ChatId, title = g.Title, zone = groups.TimeZoneOf(g).Id, paused = g.PostsPaused,
                next = scheduler.NextFire(s, g) is { } next ? TimeZoneInfo.ConvertTime(next, groups.TimeZoneOf(g)).ToString("yyyy-MM-dd HH:mm") : null,
                never = scheduler.NeverPosts(s, g),
            }),
        })));
        var forecast = sp.GetRequiredService<Forecast>();
        Get("/api/forecast", (_, _) => Ok(groups.Active().Select(g => new
        {
            id = g.ChatId, title = g.Title, zone = groups.TimeZoneOf(g).Id, paused = g.PostsPaused, fires = forecast.Of(g),
        })));
        Post("/api/groups/pause", async (http, s) =>
        {
            var body = await Body<GroupAct>(http);
            var group = KnownGroup(body.Chat);
            var command = body.Pause ? "/pause" : "/resume";
            Command(group.ChatId, s.User, command);
            await audit.Record(s.User, body.Pause ? "group.pause" : "group.resume", $"{group.Title} ({group.ChatId})");
            return Accepted(command);
        });

        Get("/api/games", (_, _) => Ok(games.AllLive().Select(g => new
        {
            g.Id, chat = g.ChatId, group = groups.Find(g.ChatId)?.Title ?? g.ChatId.ToString(), kind = g.Kind, state = g.State.ToString(),
            players = g.Players.Count, pot = g.Lottery is { } l ? Money.Format(l.PotFen) : g.GroupBuy is { } b ? Money.Format(b.PriceFen) : "",
            prize = g.Lottery?.Prize ?? g.GroupBuy?.Product ?? (g.Guess is not null ? "?" : ""),
            deadline = TimeZoneInfo.ConvertTime(new DateTimeOffset(g.DeadlineUtc, TimeSpan.Zero), groups.Find(g.ChatId) is { } grp ? groups.TimeZoneOf(grp) : TimeZoneInfo.Utc)
                .ToString("yyyy-MM-dd HH:mm"),
        })));
        Post("/api/games/act", async (http, s) =>
        {
            var body = await Body<GameAct>(http);
            if (body.Action is not ("end" or "cancel")) throw new BadRequest("action: end or cancel / 只能结算或取消");
            var game = games.Find(body.Chat, body.Id) ?? throw new BadRequest("no such game / 没有这个游戏");
            var command = $"/{body.Action} {game.Id}";
            Command(game.ChatId, s.User, command);
            await audit.Record(s.User, "game." + body.Action, $"game {game.Id} in {groups.Find(game.ChatId)?.Title} ({game.ChatId})");
            return Accepted(command);
        });

        Post("/api/post/preview", async (http, _) =>
        {
            var body = await Body<PostAct>(http);
            var schedule = schedules.Find(body.Schedule ?? "") ?? throw new BadRequest("no such schedule / 没有这个定时任务");
            return Results.Json((body.Chats ?? []).Select(KnownGroup).Select(g =>
            {
                var product = scheduler.PeekProduct(schedule, g.ChatId);
                return new { id = g.ChatId, title = g.Title, product = product?.Name, text = renderer.Render(schedule.Template, product, g), paused = g.PostsPaused };
            }), Json);
        });
        Post("/api/post", async (http, s) =>
        {
            var body = await Body<PostAct>(http);
            var schedule = schedules.Find(body.Schedule ?? "") ?? throw new BadRequest("no such schedule / 没有这个定时任务");
            var targets = (body.Chats ?? []).Select(KnownGroup).ToList();
            if (targets.Count == 0) throw new BadRequest("choose at least one group / 请至少选择一个群");
            foreach (var g in targets) Command(g.ChatId, s.User, "/post " + schedule.Id);
            await audit.Record(s.User, "post", schedule.Id, string.Join(", ", targets.Select(g => $"{g.Title} ({g.ChatId})")));
            return Accepted("/post " + schedule.Id);
        });

        var metrics = sp.GetRequiredService<Operations.BotMetrics>();
        Get("/api/outbox", (_, _) =>
        {
            var items = outbox.Items();
            return Ok(new
            {
                // The counts /status shows (BotMetrics' last hour), and the chats a 429 holds back right now.
                lastHour = new { rateLimited = metrics.RateLimitedIn(TimeSpan.FromHours(1)), failed = metrics.FailedIn(TimeSpan.FromHours(1)), sent = metrics.SentIn(TimeSpan.FromHours(1)) },
                held = outbox.HeldBy429().OrderBy(h => h.Until).Select(h => new { chat = h.ChatId, group = groups.Find(h.ChatId)?.Title ?? "", until = h.Until.UtcDateTime }),
                chats = items.Where(i => i.State == Outbox.OutboxItem.Pending).GroupBy(i => i.ChatId).Select(c => new
                {
                    chat = c.Key, group = groups.Find(c.Key)?.Title ?? "", waiting = c.Count(), oldest = c.Min(i => i.EnqueuedUtc), retries = c.Count(i => i.Attempts > 0),
                }).OrderByDescending(c => c.waiting),
                failed = items.Where(i => i.State == Outbox.OutboxItem.Failed).OrderByDescending(i => i.Id).Take(50).Select(i => new
                {
                    i.Id, chat = i.ChatId, group = groups.Find(i.ChatId)?.Title ?? "", i.Kind, i.Error, i.EnqueuedUtc,
                }),
            });
        });
        var broadcasts = sp.GetRequiredService<Broadcasts>();
        Get("/api/broadcasts", (_, _) => Ok(broadcasts.Latest()));
        Get("/api/activity", (_, _) => Ok(audit.Latest(200)));
        Get("/api/faq/try", (http, _) =>
        {
            var q = TelegramText.Quote(http.Request.Query["q"].ToString().Trim(), 200);
            var (visible, docs) = faq.VisibleWithDocs(0);
            var match = FaqMatcher.Match(q, docs);
            return Ok(new
            {
                kind = match.Kind.ToString(), best = match.Kind == FaqMatchKind.None ? null : visible[match.Best],
                near = match.Near.Select(i => visible[i].Key),
            });
        });
        var faqPath = Path.Combine(sp.GetRequiredService<IOptions<Hosting.BotOptions>>().Value.ConfigPath, "faq.json");
        Get("/api/faq/export", (http, _) =>
        {
            var csv = http.Request.Query["format"] != "json";
            var entries = FaqSeed.Load(faqPath);
            http.Response.Headers.ContentDisposition = $"attachment; filename=faq.{(csv ? "csv" : "json")}";
            return Task.FromResult(csv ? Results.Text(FaqTransfer.ToCsv(entries), "text/csv; charset=utf-8") : Results.Text(FaqTransfer.ToJson(entries), "application/json; charset=utf-8"));
        });
        Post("/api/faq/import", async (http, s) =>
        {
            var body = await Body<FaqImport>(http);
            var text = body.Text ?? "";
            string json;
            if (body.Format == "csv")
            {
                var (converted, problem) = FaqTransfer.FromCsv(text);
                if (problem is not null) return await Edit(new EditResult([problem]));
                json = converted!;
            }
            else json = text;
            var result = edits.SaveConfig("faq", json, save: true);
            if (!result.Ok && body.Format == "csv") result = new EditResult(result.Errors.Select(e => FaqTransfer.InCsv(e, text)).ToList());
            if (result.Ok) await audit.Record(s.User, "faq.import", "config/faq.json", $"{body.Format}, {text.Length} chars");
            return await Edit(result);
        });
        var boards = sp.GetRequiredService<Boards>();
        Get("/api/leaderboard", (http, _) =>
        {
            var (period, by) = (http.Request.Query["period"].ToString(), http.Request.Query["by"].ToString());
            if (!Boards.Periods.Contains(period) || !Boards.Measures.Contains(by)) throw new BadRequest("period: week|month|all, by: points|sales|recruits");
            return Ok(boards.Top(period, by));
        });
        Get("/api/chart.png", (http, _) =>
        {
            var days = int.TryParse(http.Request.Query["days"], out var d) && d is >= 1 and <= 90 ? d : 7;
            return Task.FromResult(Results.Bytes(boards.Chart(days), "image/png"));
        });
        // Nothing else under /api answers, and not even a 404 without a session.
        Get("/api/{**rest}", (_, _) => Task.FromResult(Problem(404, "not found")));

        Group KnownGroup(long chat) => groups.Find(chat) is { Active: true } g ? g : throw new BadRequest("no such group / 没有这个群");

        // The operator's action as the chat command it is: it runs in that group's queue, through the router's checks.
        void Command(long chat, ChatUser user, string text) => sink.Post(new MessageReceived(groups.InfoOf(chat), user, 0, text));
    }

    private sealed record TemplateEdit(string? Lang, string? Name, string? Text, string? Product);
    private sealed record ConfigEdit(string? File, string? Text);
    private sealed record GroupAct(long Chat, bool Pause);
    private sealed record GameAct(long Chat, int Id, string? Action);
    private sealed record PostAct(string? Schedule, long[]? Chats);
    private sealed record FaqImport(string? Format, string? Text);

    private sealed class BadRequest(string message) : Exception(message);

    private static async Task<T> Body<T>(HttpContext http) where T : class
    {
        if (http.Request.ContentLength is > 4_000_000) throw new BadRequest("too large / 内容太大");
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Json, http.RequestAborted) ?? throw new BadRequest("empty body");
        }
        catch (JsonException)
        {
            throw new BadRequest("not valid JSON");
        }
    }

    private static Task<IResult> Ok(object value) => Task.FromResult(Results.Json(value, Json));

    private static IResult Accepted(string command) => Results.Json(new { accepted = command }, Json, statusCode: 202);

    private static Task<IResult> Edit(EditResult r) =>
        Task.FromResult(Results.Json(new { ok = r.Ok, errors = r.Errors, preview = r.Preview, html = r.Html }, Json, statusCode: r.Ok ? 200 : 422));

    private static IResult Problem(int status, string message) => Results.Json(new { error = message }, Json, statusCode: status);

    /// <summary>Headers every console answer carries: no framing, no caching, no referrer (a sign-in URL holds a secret), own scripts only.</summary>
    private static void Secure(HttpContext http)
    {
        var h = http.Response.Headers;
        h["Content-Security-Policy"] = $"default-src 'self'; img-src 'self' data:; style-src 'self' {PageStyleHash}; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
        h["X-Content-Type-Options"] = "nosniff";
        h["X-Frame-Options"] = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        h["Cache-Control"] = "no-store";
    }

    private static readonly Dictionary<string, string> Types = new()
    {
        ["index.html"] = "text/html; charset=utf-8", ["app.js"] = "text/javascript; charset=utf-8", ["app.css"] = "text/css; charset=utf-8",
    };

    /// <summary>One of the console's own files, embedded in the bot (no CDN, works offline); only these names exist.</summary>
    private static IResult Asset(string name)
    {
        if (!Types.TryGetValue(name, out var type)) return Problem(404, "not found");
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("GroupBot.Console." + name)!;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return Results.Bytes(memory.ToArray(), type);
    }

    // The sign-in pages' one inline style, allowed by its hash alone (the CSP allows no other inline style or script).
    private const string PageStyle = """body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6} button{font-size:1.1rem;padding:.6rem 1.4rem;border-radius:6px;border:1px solid #1f6feb;background:#1f6feb;color:#fff} .en{color:#666}""";
    private static readonly string PageStyleHash =
        $"'sha256-{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(PageStyle)))}'";

    private static IResult Page(int status, string body) => Results.Content($$"""
        <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>GroupBot 控制台 Console</title>
        <style>{{PageStyle}}</style></head><body>{{body}}</body></html>
        """, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);

    private const string NoSession = """
        <h1 id="need-signin">需要登录 <span class="en">Sign-in needed</span></h1>
        <p>请在 Telegram 私聊机器人发送 <b>/console</b>，打开它回复的一次性链接。</p>
        <p class="en">Send <b>/console</b> to the bot in a private chat and open the one-time link it answers with.</p>
        """;

    private static string SignInForm(string token) => $"""
        <h1>GroupBot 运营控制台 <span class="en">Operators' console</span></h1>
        <form method="post" action="/signin"><input type="hidden" name="t" value="{System.Net.WebUtility.HtmlEncode(token)}">
        <button id="signin" type="submit">登录 Sign in</button></form>
        <p class="en">此链接只能使用一次。 This link works once.</p>
        """;

    private static string LinkRefused(LinkProblem problem) => (problem switch
    {
        LinkProblem.Used => """<h1 id="link-used">链接已使用 <span class="en">Link already used</span></h1>""",
        LinkProblem.Expired => """<h1 id="link-expired">链接已过期 <span class="en">Link expired</span></h1>""",
        _ => """<h1 id="link-unknown">链接无效 <span class="en">Link not valid</span></h1>""",
    }) + """
        <p>请在 Telegram 私聊机器人重新发送 <b>/console</b> 获取新链接。</p>
        <p class="en">Send <b>/console</b> to the bot in a private chat again for a new link.</p>
        """;
}
