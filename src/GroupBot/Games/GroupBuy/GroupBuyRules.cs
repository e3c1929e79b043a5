namespace GroupBot.Games.GroupBuy;

public enum BuyJoinResult { Joined, AlreadyJoined, NotOpen }

public enum LeaveResult { Left, NotPlayer, NotOpen }

/// <summary>
/// The group buy with headcount tiers (攒单团购) as pure rules: players pledge a deposit; at the deadline the highest tier
/// reached sets everyone's price; below the lowest tier the buy fails and each player gets deposit + bonus back.
/// </summary>
public static class GroupBuyRules
{
    public const long DefaultDepositFen = 100;
    public const long DefaultBonusFen = 10;
    public const int MaxTiers = 10;
    public const int MaxHeadcount = 1000;
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(24);

    /// <summary>"3:65,5:61,10:55" → tiers; or the reason (a template key) and the offending part.</summary>
    public static (List<Tier>? Tiers, string? Reason, string Part) ParseTiers(string text, long dailyPriceFen)
    {
        var tiers = new List<Tier>();
        var parts = TextWidth.Fold(text).Split([',', '，', '、', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) return (null, "tiers_missing", text);
        if (parts.Length > MaxTiers) return (null, "tiers_too_many", MaxTiers.ToString());
        foreach (var part in parts)
        {
            var pair = part.Split([':', '：', '='], 2);
            if (pair.Length != 2 || !int.TryParse(pair[0], out var count) || !Money.TryParse(pair[1], out var price))
                return (null, "tier_form", part);
            if (count < 2 || count > MaxHeadcount) return (null, "tier_headcount", part);
            if (price <= 0 || price >= dailyPriceFen) return (null, "tier_not_below_price", part);
            if (tiers.Count > 0 && count <= tiers[^1].Headcount) return (null, "tier_headcount_not_rising", part);
            if (tiers.Count > 0 && price >= tiers[^1].PriceFen) return (null, "tier_price_not_falling", part);
            tiers.Add(new Tier { Headcount = count, PriceFen = price });
        }
        return (tiers, null, "");
    }

    public static Game Open(long chatId, long createdBy, string product, long priceFen, List<Tier> tiers, long depositFen, long bonusFen,
        DateTime nowUtc, DateTime deadlineUtc) => new()
    {
        ChatId = chatId, Kind = "groupbuy", State = GameState.Open, CreatedBy = createdBy, CreatedUtc = nowUtc, DeadlineUtc = deadlineUtc,
        GroupBuy = new GroupBuyPart { Product = product, PriceFen = priceFen, Tiers = tiers, DepositFen = depositFen, BonusFen = bonusFen },
    };

    /// <summary>The highest tier a headcount reaches, or null below the lowest.</summary>
    public static Tier? Reached(GroupBuyPart part, int headcount) => part.Tiers.LastOrDefault(t => t.Headcount <= headcount);

    /// <summary>The next tier up and how many more players it needs, or null at the top.</summary>
    public static (Tier Tier, int More)? Next(GroupBuyPart part, int headcount) =>
        part.Tiers.FirstOrDefault(t => t.Headcount > headcount) is { } next ? (next, next.Headcount - headcount) : null;

    public static (BuyJoinResult Result, List<LedgerEntry> Ledger) Join(Game game, long userId, string name, DateTime nowUtc)
    {
        if (game.State != GameState.Open) return (BuyJoinResult.NotOpen, []);
        if (game.PlayerOf(userId) is not null) return (BuyJoinResult.AlreadyJoined, []);
        var before = game.Departed.Find(p => p.UserId == userId);
        if (before is not null) game.Departed.Remove(before);
        var player = new Player { UserId = userId, Name = name, JoinedUtc = nowUtc, Joins = (before?.Joins ?? 0) + 1 };
        game.Players.Add(player);
        return (BuyJoinResult.Joined, [LedgerEntry.For(game, player, LedgerKind.Pledge, game.GroupBuy!.DepositFen, nowUtc)]);
    }

    public static (LeaveResult Result, List<LedgerEntry> Ledger) Leave(Game game, long userId, DateTime nowUtc)
    {
        if (game.State != GameState.Open) return (LeaveResult.NotOpen, []);
        var player = game.PlayerOf(userId);
        if (player is null) return (LeaveResult.NotPlayer, []);
        game.Players.Remove(player);
        game.Departed.Add(player);
        return (LeaveResult.Left, [LedgerEntry.For(game, player, LedgerKind.Release, game.GroupBuy!.DepositFen, nowUtc)]);
    }

    /// <summary>The deadline: every player buys at the tier reached, or the buy fails and each gets deposit + bonus.</summary>
    public static List<LedgerEntry> Settle(Game game, DateTime nowUtc)
    {
        if (game.State != GameState.Open) throw new InvalidOperationException("The game has already ended");
        var part = game.GroupBuy!;
        game.State = GameState.Settled;
        game.EndedUtc = nowUtc;
        var tier = Reached(part, game.Players.Count);
        part.FinalPriceFen = tier?.PriceFen;
        var ledger = new List<LedgerEntry>();
        foreach (var p in game.Players)
        {
            if (tier is not null)
            {
                ledger.Add(LedgerEntry.For(game, p, LedgerKind.Stake, part.DepositFen, nowUtc, "deposit towards the order"));
                ledger.Add(LedgerEntry.For(game, p, LedgerKind.Order, tier.PriceFen, nowUtc, part.Product));
            }
            else
            {
                ledger.Add(LedgerEntry.For(game, p, LedgerKind.Refund, part.DepositFen, nowUtc));
                ledger.Add(LedgerEntry.For(game, p, LedgerKind.Bonus, part.BonusFen, nowUtc));
            }
        }
        return ledger;
    }

    public static List<LedgerEntry> Cancel(Game game, DateTime nowUtc)
    {
        if (!game.IsLive) throw new InvalidOperationException("The game has already ended");
        game.State = GameState.Cancelled;
        game.EndedUtc = nowUtc;
        return game.Players.Select(p => LedgerEntry.For(game, p, LedgerKind.Refund, game.GroupBuy!.DepositFen, nowUtc)).ToList();
    }
}
