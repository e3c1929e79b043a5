namespace GroupBot.Games.Lottery;

public enum JoinResult { Joined, JoinedAndFull, AlreadyJoined, Full, NotOpen }

public enum GrabResult { Grabbed, GrabbedLast, NotPlayer, AlreadyGrabbed, NotFullYet, Ended }

/// <summary>
/// The red-packet lottery (红包手气最差), as pure rules over a <see cref="Game"/>: no I/O, no clock, no randomness of
/// its own. Each step changes the game in place and returns the ledger entries it produces.
/// </summary>
public static class LotteryRules
{
    public const int MinSlots = 2;
    public const int MaxSlots = 100;
    public const long MaxPotFen = 20_000;        // ¥200, WeChat's own cap on one red packet
    public const long MaxStakeFen = 100_000;     // ¥1,000
    public static readonly TimeSpan DefaultFill = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultGrabWindow = TimeSpan.FromMinutes(10);

    /// <summary>Null when the numbers make a valid lottery, else the reason (a template key).</summary>
    public static string? Check(int slots, long potFen, long stakeFen)
    {
        if (slots < MinSlots) return "slots_too_few";
        if (slots > MaxSlots) return "slots_too_many";
        if (potFen > MaxPotFen) return "pot_too_big";
        if (potFen < slots) return "pot_too_small";
        if (stakeFen > MaxStakeFen) return "stake_too_big";
        return null;
    }

    public static Game Open(long chatId, long createdBy, int slots, long potFen, long stakeFen, string prize, LotteryMode mode,
        DateTime nowUtc, DateTime deadlineUtc, TimeSpan grabWindow, byte[] seed) => new()
    {
        ChatId = chatId,
        Kind = "lottery",
        State = GameState.Open,
        CreatedBy = createdBy,
        CreatedUtc = nowUtc,
        DeadlineUtc = deadlineUtc,
        Lottery = new LotteryPart
        {
            Slots = slots, PotFen = potFen, StakeFen = stakeFen, Prize = prize, Mode = mode,
            SeedHex = Convert.ToHexStringLower(seed), SeedHash = LotterySplit.Hash(seed), GrabWindow = grabWindow,
        },
    };

    public static long[] Shares(Game game) =>
        LotterySplit.Shares(game.Lottery!.PotFen, game.Lottery.Slots, Convert.FromHexString(game.Lottery.SeedHex));

    public static (JoinResult Result, List<LedgerEntry> Ledger) Join(Game game, long userId, string name, DateTime nowUtc)
    {
        if (game.State != GameState.Open) return (game.State == GameState.Full ? JoinResult.Full : JoinResult.NotOpen, []);
        if (game.PlayerOf(userId) is not null) return (JoinResult.AlreadyJoined, []);
        var player = new Player { UserId = userId, Name = name, JoinedUtc = nowUtc };
        game.Players.Add(player);
        List<LedgerEntry> ledger = [LedgerEntry.For(game, player, LedgerKind.Pledge, game.Lottery!.StakeFen, nowUtc)];
        if (game.Players.Count < game.Lottery.Slots) return (JoinResult.Joined, ledger);
        game.State = GameState.Full;
        game.DeadlineUtc = nowUtc + game.Lottery.GrabWindow;
        return (JoinResult.JoinedAndFull, ledger);
    }

    public static (GrabResult Result, long ShareFen, List<LedgerEntry> Ledger) Grab(Game game, long userId, DateTime nowUtc)
    {
        if (game.State == GameState.Open) return (GrabResult.NotFullYet, 0, []);
        if (game.State != GameState.Full) return (GrabResult.Ended, 0, []);
        var player = game.PlayerOf(userId);
        if (player is null) return (GrabResult.NotPlayer, 0, []);
        if (player.ShareFen is not null) return (GrabResult.AlreadyGrabbed, player.ShareFen.Value, []);
        GiveNextShare(game, player);
        if (game.Players.Any(p => p.ShareFen is null)) return (GrabResult.Grabbed, player.ShareFen!.Value, []);
        return (GrabResult.GrabbedLast, player.ShareFen!.Value, Settle(game, nowUtc));
    }

    /// <summary>The grab window ended: stragglers get the remaining shares in join order, then it settles.</summary>
    public static List<LedgerEntry> CloseGrabbing(Game game, DateTime nowUtc)
    {
        if (game.State != GameState.Full) throw new InvalidOperationException("Only a full lottery can close grabbing");
        foreach (var straggler in game.Players.Where(p => p.ShareFen is null).ToList()) GiveNextShare(game, straggler);
        return Settle(game, nowUtc);
    }

    /// <summary>Not full in time, or cancelled by an admin: every stake goes back in full.</summary>
    public static List<LedgerEntry> Cancel(Game game, DateTime nowUtc)
    {
        if (!game.IsLive) throw new InvalidOperationException("The game has already ended");
        game.State = GameState.Cancelled;
        game.EndedUtc = nowUtc;
        return game.Players.Select(p => LedgerEntry.For(game, p, LedgerKind.Refund, game.Lottery!.StakeFen, nowUtc)).ToList();
    }

    /// <summary>Worst mode: the smallest share wins; best mode: the largest. A tie goes to the earliest grabber.</summary>
    public static Player Winner(Game game)
    {
        var graded = game.Players.Where(p => p.ShareFen is not null);
        return (game.Lottery!.Mode == LotteryMode.Worst
                ? graded.OrderBy(p => p.ShareFen)
                : graded.OrderByDescending(p => p.ShareFen))
            .ThenBy(p => p.GrabOrder)
            .First();
    }

    private static void GiveNextShare(Game game, Player player)
    {
        var k = game.Players.Count(p => p.ShareFen is not null);
        player.ShareFen = Shares(game)[k];
        player.GrabOrder = k + 1;
    }

    private static List<LedgerEntry> Settle(Game game, DateTime nowUtc)
    {
        var part = game.Lottery!;
        var winner = Winner(game);
        part.WinnerUserId = winner.UserId;
        game.State = GameState.Settled;
        game.EndedUtc = nowUtc;
        var ledger = new List<LedgerEntry>();
        foreach (var p in game.Players)
        {
            ledger.Add(LedgerEntry.For(game, p, LedgerKind.Stake, part.StakeFen, nowUtc));
            ledger.Add(LedgerEntry.For(game, p, LedgerKind.Share, p.ShareFen!.Value, nowUtc));
        }
        ledger.Add(LedgerEntry.For(game, winner, LedgerKind.Prize, 0, nowUtc, part.Prize));
        return ledger;
    }
}
