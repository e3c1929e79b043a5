using GroupBot.Faq;

namespace GroupBot.Games.PriceGuess;

public enum GuessResult { Wrong, ExactFirst, ExactLater, NotAGuess, NoTriesLeft, AlreadyRight, Ended }

/// <summary>
/// The price guess (新品价格猜猜猜) as pure rules: the first exact guess wins the gift, each later exact guess wins the
/// discount; at the deadline with no exact guess the closest wins the gift, a tie going to the earliest guess.
/// The name variant compares the normalised text with the answer and its aliases; it has no "closest".
/// </summary>
public static class GuessRules
{
    public const int DefaultTries = 3;
    public const int MaxTries = 20;
    public const int DefaultDiscountPercent = 10;
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(1);

    public static Game OpenPrice(long chatId, long createdBy, long priceFen, string product, string gift, int discountPercent, int tries,
        DateTime nowUtc, DateTime deadlineUtc) =>
        New(chatId, createdBy, nowUtc, deadlineUtc, new GuessPart
        {
            PriceFen = priceFen, Product = product, Gift = gift, DiscountPercent = discountPercent, Tries = tries,
        });

    public static Game OpenName(long chatId, long createdBy, string answer, IEnumerable<string> aliases, string teaser, string gift,
        int discountPercent, int tries, DateTime nowUtc, DateTime deadlineUtc) =>
        New(chatId, createdBy, nowUtc, deadlineUtc, new GuessPart
        {
            ByName = true, Answer = answer, Aliases = aliases.ToList(), Product = teaser, Gift = gift,
            DiscountPercent = discountPercent, Tries = tries,
        });

    private static Game New(long chatId, long createdBy, DateTime nowUtc, DateTime deadlineUtc, GuessPart part) => new()
    {
        ChatId = chatId, Kind = "guess", State = GameState.Open, CreatedBy = createdBy, CreatedUtc = nowUtc,
        DeadlineUtc = deadlineUtc, Guess = part,
    };

    public static int TriesUsed(Game game, long userId) => game.Guess!.Guesses.Count(g => g.UserId == userId);

    public static (GuessResult Result, List<LedgerEntry> Ledger) Guess(Game game, long userId, string name, string text, DateTime nowUtc)
    {
        var part = game.Guess!;
        if (game.State != GameState.Open) return (GuessResult.Ended, []);
        long? value = null;
        bool exact;
        if (part.ByName)
        {
            var norm = FaqMatcher.Normalize(text);
            if (norm.Length == 0) return (GuessResult.NotAGuess, []);
            exact = part.Aliases.Prepend(part.Answer).Any(a => FaqMatcher.Normalize(a) == norm);
        }
        else
        {
            if (!Money.TryParse(text, out var fen)) return (GuessResult.NotAGuess, []);
            value = fen;
            exact = fen == part.PriceFen;
        }
        if (part.Guesses.Any(g => g.UserId == userId && g.Exact)) return (GuessResult.AlreadyRight, []);
        if (TriesUsed(game, userId) >= part.Tries) return (GuessResult.NoTriesLeft, []);

        part.Guesses.Add(new GuessEntry
        {
            UserId = userId, Name = name, Text = text.Trim(), ValueFen = value, Exact = exact, Utc = nowUtc, Seq = part.Guesses.Count + 1,
        });
        if (!exact) return (GuessResult.Wrong, []);
        var player = Player(game, userId, name, nowUtc);
        if (part.GiftWinner is null)
        {
            part.GiftWinner = userId;
            return (GuessResult.ExactFirst, [LedgerEntry.For(game, player, LedgerKind.Prize, 0, nowUtc, GiftOf(part))]);
        }
        part.DiscountWinners.Add(userId);
        return (GuessResult.ExactLater, [LedgerEntry.For(game, player, LedgerKind.Prize, 0, nowUtc, $"-{part.DiscountPercent}%")]);
    }

    /// <summary>At the deadline (or /end): with no exact guess the closest price guess wins the gift.</summary>
    public static List<LedgerEntry> Settle(Game game, DateTime nowUtc)
    {
        var part = game.Guess!;
        if (game.State != GameState.Open) throw new InvalidOperationException("The game has already ended");
        game.State = GameState.Settled;
        game.EndedUtc = nowUtc;
        if (part.GiftWinner is not null || part.ByName) return [];
        var closest = part.Guesses.Where(g => g.ValueFen is not null)
            .OrderBy(g => Math.Abs(g.ValueFen!.Value - part.PriceFen)).ThenBy(g => g.Seq).FirstOrDefault();
        if (closest is null) return [];
        part.GiftWinner = closest.UserId;
        part.WonByClosest = true;
        return [LedgerEntry.For(game, Player(game, closest.UserId, closest.Name, nowUtc), LedgerKind.Prize, 0, nowUtc, GiftOf(part))];
    }

    /// <summary>What the gift is: gift=, or (a name guess without one) the product named by the answer.</summary>
    public static string GiftOf(GuessPart part) => part.Gift is { Length: > 0 } ? part.Gift : part.Answer;

    public static void Cancel(Game game, DateTime nowUtc)
    {
        if (!game.IsLive) throw new InvalidOperationException("The game has already ended");
        game.State = GameState.Cancelled;
        game.EndedUtc = nowUtc;
    }

    /// <summary>Guessers become players (for the ledger and /me); no stake is involved.</summary>
    private static Player Player(Game game, long userId, string name, DateTime nowUtc)
    {
        if (game.PlayerOf(userId) is { } p) return p;
        p = new Player { UserId = userId, Name = name, JoinedUtc = nowUtc };
        game.Players.Add(p);
        return p;
    }

    private static readonly System.Text.RegularExpressions.Regex Amounts = new(@"\d+(?:\.\d+)?", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// Whether a message gives the secret away: for a price, any number in it equal to the price (59.9, 59.90, ５９．９);
    /// for a name, the answer or an alias anywhere in it (case, width, spaces and punctuation ignored).
    /// </summary>
    public static bool Reveals(Game game, string text)
    {
        var part = game.Guess!;
        if (string.IsNullOrEmpty(text)) return false;
        if (part.ByName)
        {
            var norm = FaqMatcher.Normalize(text);
            return norm.Length > 0 && part.Aliases.Prepend(part.Answer).Select(FaqMatcher.Normalize).Any(a => a.Length > 0 && norm.Contains(a, StringComparison.Ordinal));
        }
        var folded = TextWidth.Fold(text);
        return Amounts.Matches(folded).Any(m => Money.TryParse(m.Value, out var fen) && fen == part.PriceFen);
    }

    /// <summary>Percent off as Chinese write it: 10 → "9折", 15 → "8.5折", 12 → "8.8折".</summary>
    public static string Zhe(int percentOff) =>
        ((100 - percentOff) / 10m).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "折";

    /// <summary>"10%", "10", "9折" (90% of the price) → percent off; null when unreadable or not 1–99.</summary>
    public static int? ParseDiscount(string text)
    {
        var s = TextWidth.Fold(text.Trim());
        int off;
        if (s.EndsWith('折') && decimal.TryParse(s[..^1], out var zhe)) off = (int)Math.Round(100 - (zhe < 10 ? zhe * 10 : zhe));
        else if (int.TryParse(s.TrimEnd('%'), out var pct)) off = pct;
        else return null;
        return off is >= 1 and <= 99 ? off : null;
    }
}
