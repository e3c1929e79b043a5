using LiteDB;

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
}

/// <summary>
/// One game in one chat. What all games share lives here; each kind keeps its own part (only the lottery so far).
/// Open → Full (lottery: grabbing) → Settled, or → Cancelled with refunds.
/// </summary>
public sealed class Game
{
    [BsonId(autoId: true)]
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
    public List<Player> Players { get; set; } = [];
    public LotteryPart? Lottery { get; set; }

    public bool IsLive => State is GameState.Open or GameState.Full;

    public Player? PlayerOf(long userId) => Players.Find(p => p.UserId == userId);
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
