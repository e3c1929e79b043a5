using System.Net;
using System.Text.Json.Nodes;
using GroupBot.Chat;
using GroupBot.Hosting;
using GroupBot.Operations;
using GroupBot.Tests.Support;
using GroupBot.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GroupBot.Tests.Operations;

/// <summary>Issue 16: operators hear from the bot, /status, /healthz and /metrics. The harness starts at 2026-11-22 20:00 in Shanghai.</summary>
public sealed class OperationsTests : IAsyncLifetime
{
    private const long OperatorId = 900;
    private static readonly ChatUser Operator = new(OperatorId, "Ops", "ops");
    private static readonly ChatUser Member = new(901, "Mia", "mia");
    private static readonly ChatInfo GroupA = new(-3001, ChatKind.Supergroup, "华东一群");
    private static readonly ChatInfo GroupB = new(-3002, ChatKind.Supergroup, "华南二群");
    private static readonly ChatInfo GroupC = new(-3003, ChatKind.Supergroup, "西北三群");
    private readonly TempDir _dir = Repo.Temp();
    private readonly TempDir _root = Repo.Temp().WithBotFiles();
    private BotHarness _bot = null!;

    public async Task InitializeAsync()
    {
        _bot = await BotHarness.Start(_dir, _root.Path, ("Bot:Operators:0", OperatorId.ToString()));
        foreach (var g in new[] { GroupA, GroupB, GroupC }) await _bot.Deliver(new BotAdded(g, null));
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
        _root.Dispose();
    }

    private static List<string> ToOperator(IEnumerable<ChatAction> actions) =>
        actions.OfType<SendText>().Where(s => s.ChatId == OperatorId).Select(s => s.Text).ToList();

    /// <summary>Alerts raised outside an event commit on their own (not waited for): wait until one reaches the operator.</summary>
    private async Task<List<string>> OperatorAlerts(int atLeast = 1)
    {
        var got = new List<string>();
        for (var i = 0; i < 3000 && got.Count < atLeast; i++)
        {
            got.AddRange(ToOperator(await _bot.Settle(TimeSpan.Zero)));
            if (got.Count < atLeast) await Task.Delay(10);
        }
        return got;
    }

    private async Task<(HttpStatusCode Status, string Body)> Get(string path)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(_bot.Get<WebServer>().Address!, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthz_reports_each_check_and_metrics_are_scraped_in_prometheus_format()
    {
        await _bot.SayIn(GroupA, Member, "/faq 物流");

        var (status, body) = await Get("/healthz");
        Assert.Equal(HttpStatusCode.OK, status);
        var json = JsonNode.Parse(body)!;
        Assert.Equal("Healthy", (string?)json["status"]);
        Assert.Equal("Healthy", (string?)json["checks"]!["database"]!["status"]);
        Assert.Equal("Healthy", (string?)json["checks"]!["outbox"]!["status"]);
        Assert.NotNull(json["checks"]!["telegram"]);

        var (metricsStatus, metrics) = await Get("/metrics");
        Assert.Equal(HttpStatusCode.OK, metricsStatus);
        Assert.Contains("groupbot_updates_handled_total{", metrics);
        Assert.Contains("kind=\"MessageReceived\"", metrics);
        Assert.Contains("groupbot_handler_duration_seconds_bucket{", metrics);
        Assert.Contains("groupbot_messages_sent_total{", metrics);
        Assert.Contains("groupbot_outbox_depth", metrics);
        Assert.Contains("groupbot_games_open", metrics);
    }

    [Fact]
    public async Task A_database_that_cannot_take_a_write_is_unhealthy()
    {
        // A database that cannot take a write is unhealthy: the check fails instead of hanging.
        using var dir = Repo.Temp();
        using var readOnly = CreateReadOnly(dir);
        var db = await new DatabaseWritableCheck(readOnly, TimeProvider.System).CheckHealthAsync(new());
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, db.Status);
    }

    private static GroupBot.Storage.Database CreateReadOnly(TempDir dir)
    {
        var path = dir.File("ro.db");
        new GroupBot.Storage.Database(path).Dispose();
        return new GroupBot.Storage.Database(path, readOnly: true);
    }

    [Fact]
    public async Task Status_is_for_operators_in_a_private_chat_only()
    {
        await _bot.SayIn(GroupA, Member, "/faq 物流");
        var reply = (await _bot.SayIn(new ChatInfo(OperatorId, ChatKind.Private, "Ops"), Operator, "/status")).Texts().Single();
        Assert.Contains("🩺 运行状态", reply);
        Assert.Contains("活跃群 3 个", reply);
        Assert.Contains("待发送：排队 0 条", reply);
        Assert.Contains("数据库", reply);
        Assert.Contains("上次备份 还没有", reply);

        // Not an operator: refused, no figures.
        var refused = (await _bot.SayIn(new ChatInfo(Member.Id, ChatKind.Private, "Mia"), Member, "/status")).Texts().Single();
        Assert.DoesNotContain("运行状态", refused);
        Assert.Contains("只有运营", refused);
        // In a group, even an operator is told to use a private chat.
        var inGroup = (await _bot.SayIn(GroupA, Operator, "/status")).Texts().Single();
        Assert.Contains("私聊", inGroup);
        Assert.DoesNotContain("数据库", inGroup);
    }

    [Fact]
    public async Task A_broken_config_edit_is_reported_to_operators_once_then_throttled()
    {
        var faq = Path.Combine(_root.Path, "config", "faq.json");
        var reloader = _bot.Get<ConfigReloader>();
        File.WriteAllText(faq, "{ \"entries\": [ { \"key\": ");
        File.SetLastWriteTimeUtc(faq, DateTime.UtcNow.AddMinutes(1));
        reloader.CheckNow();
        var alert = Assert.Single(await OperatorAlerts());
        Assert.Contains("没有生效", alert);
        Assert.Contains("faq.json", alert);
        Assert.Contains("上一个正确的版本仍在使用", alert);

        // The same file broken again within the half hour: held back, then counted into the next alert.
        File.SetLastWriteTimeUtc(faq, DateTime.UtcNow.AddMinutes(2));
        reloader.CheckNow();
        await Task.Delay(200);
        Assert.Empty(ToOperator(await _bot.Settle(TimeSpan.FromMinutes(5))));
        _bot.Time.Advance(TimeSpan.FromMinutes(30));
        File.SetLastWriteTimeUtc(faq, DateTime.UtcNow.AddMinutes(3));
        reloader.CheckNow();
        var later = Assert.Single(await OperatorAlerts());
        Assert.Contains("另有 1 条同类提醒", later);
    }

    [Fact]
    public async Task After_a_broadcast_operators_get_one_summary_of_posted_skipped_and_failed_and_a_lost_group_is_reported()
    {
        await _bot.SayIn(GroupB, BotHarness.Owner, "/pause");
        _bot.Chat_.Gone[GroupC.Id] = true;
        _bot.Chat_.Take();

        // 10:00 Shanghai the next day.
        var actions = await _bot.AdvanceAll(TimeSpan.FromHours(14));
        Assert.Contains(actions, a => a.ChatId == GroupA.Id);
        var toOperator = ToOperator(actions);
        toOperator.AddRange(await OperatorAlerts(2 - toOperator.Count));
        Assert.True(toOperator.Count == 2, "operator got: " + string.Join(" | ", toOperator) + " / all: " + actions.All());
        var summary = Assert.Single(toOperator, t => t.Contains("📣"));
        Assert.Contains("定时发布「daily」", summary);
        Assert.Contains("已发出 1 个群", summary);
        Assert.Contains("跳过 1 个", summary);
        Assert.Contains("失败 1 个", summary);
        Assert.Contains("已暂停", summary);
        Assert.Contains("华南二群", summary);
        Assert.Contains("西北三群", summary);
        Assert.Contains("Forbidden", summary);
        var removed = Assert.Single(toOperator, t => t.Contains("👋"));
        Assert.Contains("西北三群", removed);
    }


    [Fact]
    public async Task A_failing_outbox_is_reported_once_and_each_lost_group_once()
    {
        using var dir = Repo.Temp();
        await using var bot = await BotHarness.Start(dir, _root.Path, ("Bot:Operators:0", OperatorId.ToString()), ("Operations:MaxAlertsPerHour", "1000"));
        var alerts = bot.Get<OperatorAlerts>();
        // 25 groups that removed the bot: every reply there is refused (403).
        var gone = Enumerable.Range(1, 25).Select(i => new ChatInfo(-4000 - i, ChatKind.Supergroup, $"失联{i}群")).ToList();
        // Alerts arrive on their own, between the calls below: read from everything performed, which no call empties.
        List<string> Got() => ToOperator(bot.Chat_.Performed);
        foreach (var g in gone)
        {
            bot.Chat_.Gone[g.Id] = true;
            await bot.SayIn(g, Member, "/faq 物流");
        }
        await bot.Settle(TimeSpan.Zero);
        alerts.CheckNow();
        alerts.CheckNow();
        for (var i = 0; i < 3000 && !Got().Any(t => t.Contains('❗')); i++)
        {
            await bot.Settle(TimeSpan.Zero);
            await Task.Delay(10);
        }
        var failures = Assert.Single(Got(), t => t.Contains('❗'));
        Assert.Contains("失败 25 条", failures);
        for (var i = 0; i < 3000 && Got().Count(t => t.Contains("👋")) < 25; i++)
        {
            await bot.Settle(TimeSpan.Zero);
            await Task.Delay(10);
        }
        Assert.Equal(25, Got().Count(t => t.Contains("👋"))); // each lost group once

    }

    [Fact]
    public async Task A_backlog_past_the_limit_is_reported_and_healthz_says_degraded()
    {
        using var dir = Repo.Temp();
        var chat = new StuckChat();
        using var host = BotHost.Build([], _root.Path, TestHosts.Settings(dir, ("Bot:Operators:0", OperatorId.ToString()), ("Operations:BacklogAlert", "3")),
            services =>
            {
                services.AddSingleton<IChatAdapter>(chat);
                services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)));
            });
        await host.StartAsync();
        try
        {
            var outbox = host.Services.GetRequiredService<GroupBot.Outbox.OutboxQueue>();
            outbox.Enqueue(Enumerable.Range(1, 6).Select(i => (ChatAction)new SendText(GroupA.Id, $"第 {i} 条")));
            Assert.Equal(6, outbox.PendingCount); // one under way (Telegram not answering), five behind it

            host.Services.GetRequiredService<OperatorAlerts>().CheckNow();
            for (var i = 0; i < 3000 && chat.ToOperator.IsEmpty; i++) await Task.Delay(10);
            var alert = Assert.Single(chat.ToOperator);
            Assert.Contains("积压 6 条", alert);
            Assert.Contains("阈值 3", alert);
            host.Services.GetRequiredService<OperatorAlerts>().CheckNow(); // within the half hour: held back
            await Task.Delay(200);
            Assert.Single(chat.ToOperator);

            using var http = new HttpClient();
            var health = JsonNode.Parse(await http.GetStringAsync(new Uri(host.Services.GetRequiredService<WebServer>().Address!, "/healthz")))!;
            Assert.Equal("Degraded", (string?)health["status"]);
            Assert.Equal("Degraded", (string?)health["checks"]!["outbox"]!["status"]);
        }
        finally
        {
            chat.Release.TrySetResult();
            await host.StopAsync();
        }
    }

    /// <summary>Telegram that does not answer sends to groups (until released); private messages go through.</summary>
    private sealed class StuckChat : IChatAdapter
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public System.Collections.Concurrent.ConcurrentQueue<string> ToOperator { get; } = new();
        public string BotUsername => "TestBot";
        public bool WaitsForReplies => false;
        public Task ConnectAsync(CancellationToken ct) => Task.CompletedTask;
        public Task RunAsync(Func<ChatEvent, Task> onEvent, CancellationToken ct) => Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { });

        public async Task<int?> PerformAsync(ChatAction action, CancellationToken ct)
        {
            if (action.ChatId == OperatorId && action is SendText t) ToOperator.Enqueue(t.Text);
            else await Release.Task;
            return 1;
        }

        public Task<IReadOnlySet<long>> GetChatAdminsAsync(long chatId, CancellationToken ct) => Task.FromResult<IReadOnlySet<long>>(new HashSet<long>());
        public Task<string> CreateInviteLinkAsync(long chatId, string name, CancellationToken ct) => Task.FromResult("https://t.me/+x");
        public Task SetCommandMenuAsync(IReadOnlyList<(string Name, string Description)> commands, string? languageCode, CancellationToken ct) => Task.CompletedTask;
    }
}
