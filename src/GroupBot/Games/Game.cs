namespace GroupBot.Games;

public enum GameState { Open, Full, Settled, Cancelled }

public sealed class Player
{
    public long UserId { get; set; }
    public string Name { get; set; } = "";
    public DateTime JoinedUtc { get; set; }
    /// <summary>Lottery: the share this player got, once grabbed (or handed out as a straggler).</summary>
    public long? ShareFen { get; set; }
    /// <summary>Lottery: 1 for the first grab, 2 for the next…</summary>
    public int? GrabOrder { get; set; }
    /// <summary>How many times this player has joined this game (group buy: leave and join again).</summary>
    public int Joins { get; set; } = 1;
}

/// <summary>
/// One game in one chat. What all games share lives here; each kind keeps its own part (only the lottery so far).
/// Open → Full (lottery: grabbing) → Settled, or → Cancelled with refunds.
/// </summary>
public sealed class Game
{
    public int Id { get; set; }
    public long ChatId { get; set; }
    public string Kind { get; set; } = "";
    public GameState State { get; set; }
    public long CreatedBy { get; set; }
    public DateTime CreatedUtc { get; set; }
    /// <summary>When the current phase ends: filling up while Open, grabbing while Full.</summary>
    public DateTime DeadlineUtc { get; set; }
    public DateTime? EndedUtc { get; set; }
    /// <summary>Settled or cancelled at start-up because it fell due while the bot was down.</summary>
    public bool EndedLate { get; set; }
    /// <summary>Why it was cancelled ("not_full", "by_admin"), kept so the announcement can be rebuilt from the store.</summary>
    public string? EndReason { get; set; }
    public List<Player> Players { get; set; } = [];
    /// <summary>Players who left (group buy), kept so a return gets fresh ledger keys.</summary>
    public List<Player> Departed { get; set; } = [];
    public LotteryPart? Lottery { get; set; }
    public GuessPart? Guess { get; set; }
    public GroupBuyPart? GroupBuy { get; set; }
    public BargainPart? Bargain { get; set; }
    public Jigsaw.JigsawPart? Jigsaw { get; set; }

    public bool IsLive => State is GameState.Open or GameState.Full;

    public Player? PlayerOf(long userId) => Players.Find(p => p.UserId == userId);

    /// <summary>Everyone who took part: joined (even if they left since), grabbed or guessed, each once.</summary>
    public IEnumerable<long> Participants() => Players.Select(p => p.UserId)
        .Concat(Departed.Select(p => p.UserId))
        .Concat(Guess?.Guesses.Select(g => g.UserId) ?? [])
        .Distinct();
}

public enum LotteryMode { Worst, Best }

public sealed class LotteryPart
{
    public int Slots { get; set; }
    public long PotFen { get; set; }
    public long StakeFen { get; set; }
    public string Prize { get; set; } = "";
    public LotteryMode Mode { get; set; }
    /// <summary>Secret until settlement: the shares come only from it.</summary>
    public string SeedHex { get; set; } = "";
    /// <summary>SHA-256 of the seed bytes, posted at opening.</summary>
    public string SeedHash { get; set; } = "";
    public TimeSpan GrabWindow { get; set; }
    public long? WinnerUserId { get; set; }
}

public sealed class GuessEntry
{
    public long UserId { get; set; }
    public string Name { get; set; } = "";
    public string Text { get; set; } = "";
    /// <summary>Price guesses: the amount guessed.</summary>
    public long? ValueFen { get; set; }
    public bool Exact { get; set; }
    public DateTime Utc { get; set; }
    /// <summary>Order of arrival in this game: ties go to the lower.</summary>
    public int Seq { get; set; }
}

public sealed class GuessPart
{
    /// <summary>Guess the product's name instead of its price.</summary>
    public bool ByName { get; set; }
    /// <summary>Secret until settlement.</summary>
    public long PriceFen { get; set; }
    /// <summary>Secret until settlement (name variant).</summary>
    public string Answer { get; set; } = "";
    public List<string> Aliases { get; set; } = [];
    /// <summary>What players see: the product (price variant) or a teaser (name variant).</summary>
    public string Product { get; set; } = "";
    public string Gift { get; set; } = "";
    /// <summary>Percent off for later exact guesses.</summary>
    public int DiscountPercent { get; set; }
    public int Tries { get; set; }
    public List<GuessEntry> Guesses { get; set; } = [];
    public List<string> Hints { get; set; } = [];
    public long? GiftWinner { get; set; }
    public List<long> DiscountWinners { get; set; } = [];
    /// <summary>No exact guess: the closest won the gift.</summary>
    public bool WonByClosest { get; set; }
}

public sealed class Tier
{
    public int Headcount { get; set; }
    public long PriceFen { get; set; }
}

public sealed class GroupBuyPart
{
    public string Product { get; set; } = "";
    /// <summary>The everyday price the tiers undercut.</summary>
    public long PriceFen { get; set; }
    public List<Tier> Tiers { get; set; } = [];
    public long DepositFen { get; set; }
    public long BonusFen { get; set; }
    /// <summary>Set at settlement: the price everyone pays, or null when the buy failed.</summary>
    public long? FinalPriceFen { get; set; }
}

/// <summary>砍价: the product, its list and floor price, the committed seed the cuts come from; helpers are the game's players.</summary>
public sealed class BargainPart
{
    public string StarterName { get; set; } = "";
    public string ProductId { get; set; } = "";
    public string Product { get; set; } = "";
    public long ListFen { get; set; }
    public long FloorFen { get; set; }
    /// <summary>How many cuts reach the floor.</summary>
    public int Helpers { get; set; }
    /// <summary>Secret until settlement: the cuts come only from it.</summary>
    public string SeedHex { get; set; } = "";
    public string SeedHash { get; set; } = "";
    /// <summary>Set at settlement when anyone helped: the starter's price, and the code to show the seller.</summary>
    public long? FinalFen { get; set; }
    public string? Coupon { get; set; }
}
