using System.Security.Cryptography;
using System.Text;
using GroupBot.Games.Lottery;

namespace GroupBot.Games.Bargain;

public enum HelpResult { Cut, CutToFloor, Self, AlreadyHelped, Ended }

/// <summary>
/// 砍价 (seed 003) as pure rules over a <see cref="Game"/>: a member opens a bargain on a product; friends each cut once
/// until the floor price or the deadline. The cuts are fixed at opening from a secret seed (its SHA-256 is posted then,
/// the seed at the end): the list − floor gap is split into <c>Helpers</c> cuts with the red-packet split
/// (<see cref="LotterySplit"/>), so every cut is at least ¥0.01 and together they reach the floor exactly, never past it.
/// The k-th helper gets the k-th cut.
/// </summary>
public static class BargainRules
{
    public const int MinHelpers = 1;
    public const int MaxHelpers = 100;

    /// <summary>How many cuts the gap is split into: never more than one a fen.</summary>
    public static int CutCount(long listFen, long floorFen, int helpers) => (int)Math.Max(1, Math.Min(helpers, listFen - floorFen));

    public static Game Open(long chatId, ChatStarter starter, string productId, string product, long listFen, long floorFen, int helpers,
        DateTime nowUtc, DateTime deadlineUtc, byte[] seed)
    {
        if (floorFen < 0 || floorFen >= listFen) throw new ArgumentOutOfRangeException(nameof(floorFen), "The floor must be below the list price");
        return new Game
        {
            ChatId = chatId,
            Kind = "bargain",
            State = GameState.Open,
            CreatedBy = starter.UserId,
            CreatedUtc = nowUtc,
            DeadlineUtc = deadlineUtc,
            Bargain = new BargainPart
            {
                StarterName = starter.Name, ProductId = productId, Product = product, ListFen = listFen, FloorFen = floorFen,
                Helpers = CutCount(listFen, floorFen, helpers), SeedHex = Convert.ToHexStringLower(seed), SeedHash = LotterySplit.Hash(seed),
            },
        };
    }

    /// <summary>Every cut the seed holds, in the order helpers get them; they sum to list − floor.</summary>
    public static long[] Cuts(BargainPart part) => Cuts(part.ListFen, part.FloorFen, part.Helpers, Convert.FromHexString(part.SeedHex));

    public static long[] Cuts(long listFen, long floorFen, int helpers, byte[] seed) => LotterySplit.Shares(listFen - floorFen, helpers, seed);

    public static long CutSoFar(Game game) => game.Players.Sum(p => p.ShareFen ?? 0);

    public static long PriceNow(Game game) => game.Bargain!.ListFen - CutSoFar(game);

    /// <summary>A helper's press: the next cut is theirs. Reaching the floor settles the bargain at once.</summary>
    public static (HelpResult Result, long CutFen, List<LedgerEntry> Ledger) Help(Game game, long userId, string name, DateTime nowUtc)
    {
        if (game.State != GameState.Open) return (HelpResult.Ended, 0, []);
        if (userId == game.CreatedBy) return (HelpResult.Self, 0, []);
        if (game.PlayerOf(userId) is { } helped) return (HelpResult.AlreadyHelped, helped.ShareFen ?? 0, []);
        var part = game.Bargain!;
        var cuts = Cuts(part);
        var order = game.Players.Count + 1;
        var cut = cuts[order - 1];
        game.Players.Add(new Player { UserId = userId, Name = name, JoinedUtc = nowUtc, ShareFen = cut, GrabOrder = order });
        if (order < part.Helpers) return (HelpResult.Cut, cut, []);
        return (HelpResult.CutToFloor, cut, Settle(game, nowUtc));
    }

    /// <summary>Ends the bargain at the price reached (deadline, /end, or the floor): the starter's coupon, if anyone helped.</summary>
    public static List<LedgerEntry> Settle(Game game, DateTime nowUtc)
    {
        var part = game.Bargain!;
        game.State = GameState.Settled;
        game.EndedUtc = nowUtc;
        if (game.Players.Count == 0) return [];
        part.FinalFen = PriceNow(game);
        part.Coupon = Coupon(game.Id, Convert.FromHexString(part.SeedHex));
        var starter = new Player { UserId = game.CreatedBy, Name = part.StarterName };
        return [LedgerEntry.For(game, starter, LedgerKind.Coupon, part.FinalFen.Value, nowUtc, part.Coupon)];
    }

    public static void Cancel(Game game, DateTime nowUtc)
    {
        game.State = GameState.Cancelled;
        game.EndedUtc = nowUtc;
        game.EndReason = "by_admin";
    }

    /// <summary>The code the starter shows the seller: the game's number and a check derived from its seed.</summary>
    public static string Coupon(int gameId, byte[] seed)
    {
        var mac = HMACSHA256.HashData(seed, Encoding.ASCII.GetBytes($"coupon:{gameId}"));
        return $"KJ{gameId}-{Convert.ToHexString(mac, 0, 3)}";
    }
}

public sealed record ChatStarter(long UserId, string Name);
