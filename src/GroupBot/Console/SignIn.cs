using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GroupBot.Chat;
using Microsoft.Extensions.Options;

namespace GroupBot.OpsConsole;

/// <summary>A signed-in operator (the local chat's owner in local mode): the Telegram user the console acts as.</summary>
public sealed record ConsoleSession(string Id, ChatUser User, string Csrf, DateTimeOffset ExpiresUtc);

/// <summary>Why a sign-in link was refused; the page says which, so an operator knows to ask for a new one.</summary>
public enum LinkProblem { None, Unknown, Used, Expired }

/// <summary>
/// One-time sign-in links and the sessions they open. No password exists to leak: an operator asks the bot for a link
/// in a private chat. Only SHA-256 hashes of links and sessions are kept (in memory: a restart signs everyone out, which
/// costs one /console). A used link is remembered until it would have expired, so a second use is told "used", not "unknown".
/// </summary>
public sealed class SignIn(TimeProvider time, IOptionsMonitor<ConsoleOptions> options)
{
    private readonly ConcurrentDictionary<string, Link> _links = new();
    private readonly ConcurrentDictionary<string, ConsoleSession> _sessions = new();

    /// <summary>A new link's secret (to put in the URL) for this user.</summary>
    public string Issue(ChatUser user)
    {
        Sweep();
        var token = NewSecret();
        _links[Hash(token)] = new Link(user, time.GetUtcNow() + TimeSpan.FromMinutes(options.CurrentValue.LinkMinutes));
        return token;
    }

    /// <summary>Uses a link once: a new session, or why not.</summary>
    public (ConsoleSession? Session, LinkProblem Problem) Redeem(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100 || !_links.TryGetValue(Hash(token), out var link)) return (null, LinkProblem.Unknown);
        var now = time.GetUtcNow();
        if (now >= link.ExpiresUtc) return (null, LinkProblem.Expired);
        // Used once, atomically: two tabs opening the same link get one session between them.
        lock (link)
        {
            if (link.Used) return (null, LinkProblem.Used);
            link.Used = true;
        }
        var session = new ConsoleSession(NewSecret(), link.User, NewSecret(), now + TimeSpan.FromHours(options.CurrentValue.SessionHours));
        _sessions[Hash(session.Id)] = session;
        return (session, LinkProblem.None);
    }

    /// <summary>The live session with this cookie value, or null.</summary>
    public ConsoleSession? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 100 || !_sessions.TryGetValue(Hash(id), out var session)) return null;
        if (time.GetUtcNow() < session.ExpiresUtc) return session;
        _sessions.TryRemove(Hash(id), out _);
        return null;
    }

    public void End(string id) => _sessions.TryRemove(Hash(id), out _);

    /// <summary>Compares a request's CSRF token with its session's in constant time.</summary>
    public static bool CsrfMatches(ConsoleSession session, string? token) =>
        token is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(session.Csrf), Encoding.UTF8.GetBytes(token));

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (key, link) in _links)
            if (now >= link.ExpiresUtc) _links.TryRemove(key, out _);
        foreach (var (key, session) in _sessions)
            if (now >= session.ExpiresUtc) _sessions.TryRemove(key, out _);
    }

    // Links and sessions are bearer secrets: 256 bits from the OS's CSPRNG, never the games' seeded randomness.
    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private sealed class Link(ChatUser user, DateTimeOffset expiresUtc)
    {
        public ChatUser User { get; } = user;
        public DateTimeOffset ExpiresUtc { get; } = expiresUtc;
        public bool Used { get; set; }
    }
}
