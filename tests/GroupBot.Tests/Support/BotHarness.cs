using GroupBot.Pipeline;
using GroupBot.Chat;
using GroupBot.Games;
using GroupBot.Hosting;
using GroupBot.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace GroupBot.Tests.Support;

/// <summary>
/// The whole bot host on a <see cref="FakeChat"/> with fake time and fixed seeds. Restart() stops it and starts a
/// new one on the same database, as a crash-free restart would.
/// </summary>
public sealed class BotHarness : IAsyncDisposable
{
    public const long Chat = -1009;
    public static readonly ChatUser Owner = new(1, "Owner", "owner");
    public static readonly ChatInfo Group = new(Chat, ChatKind.Supergroup, "测试群");
    private readonly TempDir _dir;
    private readonly (string, string?)[] _settings;
    private IHost? _host;
    private int _nextMessageId = 1;

    private readonly string _root;

    private BotHarness(TempDir dir, string root, (string, string?)[] settings)
    {
        _dir = dir;
        _root = root;
        _settings = settings;
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public FixedEntropy Entropy { get; } = new();

    public FakeChat Chat_ { get; private set; } = null!;

    public IServiceProvider Services => _host!.Services;

    public static Task<BotHarness> Start(TempDir dir, params (string, string?)[] settings) => Start(dir, Repo.Root, settings);

    /// <param name="root">a folder with config/ and templates/ (a TempDir.WithBotFiles() copy to edit them)</param>
    public static async Task<BotHarness> Start(TempDir dir, string root, params (string, string?)[] settings)
    {
        var harness = new BotHarness(dir, root, settings);
        await harness.StartHost();
        return harness;
    }

    private async Task StartHost()
    {
        Chat_ = new FakeChat();
        Chat_.Admins.Add(Owner.Id);
        _host = BotHost.Build([], _root, TestHosts.Settings(_dir, _settings), services =>
        {
            services.AddSingleton<IChatAdapter>(Chat_);
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<Entropy>(Entropy);
        });
        await _host.StartAsync();
    }

    public async Task Restart()
    {
        await _host!.StopAsync();
        _host.Dispose();
        Chat_.Take();
        await StartHost();
        // What the new host does while it starts (refresh edits, overdue deadlines) can go out before its start returns:
        // it belongs to the next Advance, which would otherwise drop it as old.
        _keepStartOutput = true;
    }

    private bool _keepStartOutput;

    public Task<List<ChatAction>> Say(ChatUser from, string text) => SayIn(Group, from, text);

    public async Task<List<ChatAction>> SayIn(ChatInfo chat, ChatUser from, string text)
    {
        Chat_.Take();
        _keepStartOutput = false;
        await Chat_.Deliver(new MessageReceived(chat, from, _nextMessageId++, text));
        return Chat_.Take();
    }

    public async Task Deliver(ChatEvent evt) => await Chat_.Deliver(evt);

    /// <summary>Delivers any event and returns what the bot did about it.</summary>
    public async Task<List<ChatAction>> Deliver2(ChatEvent evt)
    {
        Chat_.Take();
        _keepStartOutput = false;
        await Chat_.Deliver(evt);
        return Chat_.Take();
    }

    /// <summary>Moves fake time on and waits until every chat's queue and the whole outbox are done.</summary>
    public async Task<List<ChatAction>> AdvanceAll(TimeSpan by)
    {
        Chat_.Take();
        _keepStartOutput = false;
        return await Settle(by);
    }

    /// <summary>Like AdvanceAll, keeping what the bot did before (at start, say).</summary>
    public async Task<List<ChatAction>> Settle(TimeSpan by)
    {
        Time.Advance(by);
        await Services.GetRequiredService<ChatQueues>().Drain();
        var outbox = Services.GetRequiredService<GroupBot.Outbox.OutboxQueue>();
        for (var i = 0; i < 200 && outbox.PendingCount > 0; i++) await Task.Delay(10);
        return Chat_.Take();
    }

    public async Task<List<ChatAction>> Reply(ChatUser from, int toMessageId, string text)
    {
        Chat_.Take();
        _keepStartOutput = false;
        await Chat_.Deliver(new MessageReceived(Group, from, _nextMessageId++, text, toMessageId));
        return Chat_.Take();
    }

    /// <summary>Every line the bot has logged to its file so far.</summary>
    public IEnumerable<string> Logs()
    {
        var folder = Path.Combine(_dir.Path, "logs");
        if (!Directory.Exists(folder)) return [];
        return Directory.GetFiles(folder).SelectMany(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n');
        }).ToList();
    }

    public async Task<List<ChatAction>> Press(ChatUser from, int messageId, string data, string? callbackId = null)
    {
        Chat_.Take();
        _keepStartOutput = false;
        await Chat_.Deliver(new ButtonPressed(Group, from, callbackId ?? Guid.NewGuid().ToString("N"), messageId, data));
        return Chat_.Take();
    }

    /// <summary>Moves fake time on and waits until the chat's queue has handled whatever fell due.</summary>
    public async Task<List<ChatAction>> Advance(TimeSpan by)
    {
        if (!_keepStartOutput) Chat_.Take();
        _keepStartOutput = false;
        Time.Advance(by);
        await Services.GetRequiredService<ChatQueues>().Drain();
        await Services.GetRequiredService<GroupBot.Outbox.OutboxQueue>().WhenIdle(Chat);
        return Chat_.Take();
    }

    /// <summary>The seed FixedEntropy gave the n-th game.</summary>
    public byte[] Entropy_Seed(int n) => Enumerable.Repeat((byte)n, 32).ToArray();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        if (_host is null) return;
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>Seeds 0x01…, 0x02…: a fresh one per game, the same across runs.</summary>
public sealed class FixedEntropy : Entropy
{
    private byte _next;

    public override byte[] NewSeed() => Enumerable.Repeat(++_next, 32).Select(b => (byte)b).ToArray();
}

public static class ActionText
{
    public static IEnumerable<string> Texts(this IEnumerable<ChatAction> actions) => actions.Select(a => a switch
    {
        SendText s => s.Text,
        EditText e => e.Text,
        AnswerButton b => b.Text ?? "",
        _ => "",
    });

    public static string All(this IEnumerable<ChatAction> actions) => string.Join("\n---\n", actions.Texts());
}
