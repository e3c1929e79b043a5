using GroupBot.Hosting;
using GroupBot.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GroupBot.Tests.EndToEnd;

/// <summary>
/// The real bot host talking Telegram to the peer: its own token (so tests sharing a peer do not see each other's
/// updates), database and logs in a temp folder. Stop and start it again on the same database to test restarts.
/// </summary>
public sealed class BotOnPeer : IAsyncDisposable
{
    private readonly TelegramPeer _peer;
    private readonly TempDir _dir;
    private readonly string _root;
    private readonly (string, string?)[] _extra;
    private IHost? _host;

    public BotOnPeer(TelegramPeer peer, string token, string? root = null, params (string, string?)[] extra)
    {
        _peer = peer;
        Token = token;
        _dir = Repo.Temp();
        _root = root ?? Repo.Root;
        _extra = extra;
        Users = peer.CreateClient(token);
    }

    public string Token { get; }

    /// <summary>The user side: people sending messages and reading what the bot sent.</summary>
    public PeerClient Users { get; }

    public IServiceProvider Services => _host!.Services;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public async Task<BotOnPeer> Start()
    {
        var settings = TestHosts.Settings(_dir, [
            ("Telegram:BotToken", Token),
            ("Telegram:BaseUrl", _peer.BaseUrl),
            ("Telegram:PollTimeoutSeconds", "1"),
            ("Telegram:MaxBackoffSeconds", "1"),
            ("Bot:AdminCacheSeconds", "0"),
            ("Community:WelcomeDelaySeconds", "1"),
            .. _extra,
        ]);
        _host = BotHost.Build([], _root, settings);
        await _host.StartAsync();
        return this;
    }

    public async Task Stop()
    {
        if (_host is null) return;
        await _host.StopAsync();
        _host.Dispose();
        _host = null;
    }

    /// <summary>Every line the bot logged to its file.</summary>
    public string Logs()
    {
        var folder = _dir.File("logs");
        if (!Directory.Exists(folder)) return "";
        return string.Join("\n", Directory.GetFiles(folder).Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }));
    }

    public async ValueTask DisposeAsync()
    {
        await Stop();
        Users.Dispose();
        _dir.Dispose();
    }
}
