using System.Security.Cryptography;
using GroupBot.Chat;
using GroupBot.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace GroupBot.Private;

/// <summary>What a feature does with the rest of a deep link it issued (the part after "prefix_"), as the caller's reply.</summary>
public delegate Task<IReadOnlyList<ChatAction>> DeepLinkHandler(CommandContext context, string rest, CancellationToken ct);

/// <summary>A feature's deep-link prefix and its handler, registered with its services.</summary>
public sealed record DeepLinkSource(string Prefix, Func<IServiceProvider, DeepLinkHandler> Handler);

/// <summary>The feature that takes a typed code word (/claim &lt;code&gt;, a text no deep link issued); one at most.</summary>
public sealed record ClaimCodeSource(Func<IServiceProvider, DeepLinkHandler> Handler);

/// <summary>
/// Deep links: https://t.me/&lt;bot&gt;?start=&lt;prefix&gt;_&lt;rest&gt;. Telegram hands the payload to the bot as "/start payload" in
/// the private chat; each feature registers a prefix and gets the rest. A payload that grants something carries a token
/// of <see cref="TokenBytes"/> random bytes from the system's cryptographic generator (not a game's seeded stream), so it
/// cannot be guessed; the feature keeps only its hash and decides whether it may be used once.
/// </summary>
public sealed class DeepLinks
{
    /// <summary>Telegram's limit for a start payload: 64 characters of A–Z, a–z, 0–9, _ and -.</summary>
    public const int MaxPayload = 64;

    /// <summary>144 bits: unguessable (≥ 128), and 24 base64url characters without padding.</summary>
    public const int TokenBytes = 18;

    private readonly Dictionary<string, DeepLinkHandler> _handlers = new(StringComparer.Ordinal);

    public DeepLinks(IServiceProvider sp, IEnumerable<DeepLinkSource> sources, IEnumerable<ClaimCodeSource> codes)
    {
        var codeSources = codes.ToList();
        if (codeSources.Count > 1) throw new InvalidOperationException("Only one feature may take claim code words");
        CodeHandler = codeSources.SingleOrDefault()?.Handler(sp);
        foreach (var source in sources)
        {
            if (!IsPrefix(source.Prefix)) throw new InvalidOperationException($"Deep-link prefix '{source.Prefix}' must be 1–8 lower-case letters or digits");
            if (!_handlers.TryAdd(source.Prefix, source.Handler(sp))) throw new InvalidOperationException($"Deep-link prefix '{source.Prefix}' registered twice");
        }
    }

    public IReadOnlyCollection<string> Prefixes => _handlers.Keys;

    /// <summary>Who takes a code word typed with /claim, if any feature does.</summary>
    public DeepLinkHandler? CodeHandler { get; }

    /// <summary>A fresh unguessable token (base64url, no padding).</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(TokenBytes));

    /// <summary>SHA-256 of a token, hex: what a feature stores, so the store alone cannot be used to claim.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    public static string Payload(string prefix, string rest) => prefix + "_" + rest;

    /// <summary>The link a user opens (or a QR code holds) to start the bot with a payload.</summary>
    public static string Link(string botUsername, string payload) => $"https://t.me/{botUsername}?start={payload}";

    /// <summary>The handler for a payload and the rest after its prefix; false for a payload no feature issued (forged, or malformed).</summary>
    public bool TryResolve(string payload, out DeepLinkHandler handler, out string rest)
    {
        handler = null!;
        rest = "";
        payload = payload.Trim();
        if (payload.Length is 0 or > MaxPayload || !payload.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')) return false;
        var cut = payload.IndexOf('_');
        if (cut <= 0 || !_handlers.TryGetValue(payload[..cut], out var found)) return false;
        handler = found;
        rest = payload[(cut + 1)..];
        return rest.Length > 0;
    }

    private static bool IsPrefix(string p) => p.Length is >= 1 and <= 8 && p.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public static class DeepLinkSetup
{
    /// <summary>Registers a feature's deep-link prefix ("jg" for https://t.me/bot?start=jg_…) and its handler.</summary>
    public static IServiceCollection AddDeepLink(this IServiceCollection services, string prefix, Func<IServiceProvider, DeepLinkHandler> handler) =>
        services.AddSingleton(new DeepLinkSource(prefix, handler));

    /// <summary>Registers the feature that takes a code word typed with /claim (printed where no link can be).</summary>
    public static IServiceCollection AddClaimCode(this IServiceCollection services, Func<IServiceProvider, DeepLinkHandler> handler) =>
        services.AddSingleton(new ClaimCodeSource(handler));
}
