using System.Security.Cryptography;
using System.Text;
using GroupBot.Storage;

namespace GroupBot.Commerce;

public sealed class DistributorCode
{
    public string Code { get; set; } = "";
    public long UserId { get; set; }
    public DateTime CreatedUtc { get; set; }
}

/// <summary>
/// A distributor's code, carried in their personal buy link and in the shop's order export. Stable (made once, then
/// kept) and not guessable from the Telegram id: an HMAC of the id under a random secret made once per database.
/// </summary>
public sealed class DistributorCodes
{
    /// <summary>Crockford's base32: no I, L, O, U, so a code read aloud or retyped from a poster survives.</summary>
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const string SecretKey = "commerce:code_secret";
    public const int Length = 8;
    private readonly Database _db;
    private readonly Table<string, DistributorCode> _codes;
    private readonly TimeProvider _time;

    public DistributorCodes(Database db, TimeProvider time)
    {
        _db = db;
        _time = time;
        _codes = db.Table<string, DistributorCode>("distributor_codes", c => c.Code).Index("UserId", c => c.UserId);
    }

    /// <summary>The user's code, made (and written in the current unit) on first use.</summary>
    public string CodeOf(long userId)
    {
        if (Find(userId) is { } known) return known;
        var secret = Secret();
        for (var attempt = 0; ; attempt++)
        {
            var code = Make(secret, userId, attempt);
            if (_codes.Exists(code)) continue; // another id's code already (about one in 10^12): take the next
            _codes.Put(new DistributorCode { Code = code, UserId = userId, CreatedUtc = _time.GetUtcNow().UtcDateTime });
            return code;
        }
    }

    public string? Find(long userId) => _codes.FirstWhere("UserId", userId)?.Code;

    /// <summary>Whose code this is; null for a code never handed out. Case, width and look-alikes (O/0, I/L/1) are forgiven.</summary>
    public long? OwnerOf(string code) => Normalize(code) is { } c ? _codes.Get(c)?.UserId : null;

    public static string? Normalize(string code)
    {
        var s = TextWidth.Fold(code).Trim().ToUpperInvariant().Replace('O', '0').Replace('I', '1').Replace('L', '1');
        return s.Length == Length && s.All(Alphabet.Contains) ? s : null;
    }

    private byte[] Secret()
    {
        if (_db.GetValue(SecretKey) is { } hex) return Convert.FromHexString(hex);
        var secret = RandomNumberGenerator.GetBytes(32);
        _db.SetValue(SecretKey, Convert.ToHexStringLower(secret));
        return secret;
    }

    internal static string Make(byte[] secret, long userId, int attempt)
    {
        var mac = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(attempt == 0 ? $"{userId}" : $"{userId}:{attempt}"));
        var bits = 0UL;
        for (var i = 0; i < 5; i++) bits = (bits << 8) | mac[i];
        var chars = new char[Length];
        for (var i = Length - 1; i >= 0; i--, bits >>= 5) chars[i] = Alphabet[(int)(bits & 31)];
        return new string(chars);
    }
}
