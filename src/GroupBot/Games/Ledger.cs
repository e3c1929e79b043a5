namespace GroupBot.Games;

/// <summary>What a player pledged, staked, got back or won. The bot records money; it moves none.</summary>
public static class LedgerKind
{
    public const string Pledge = "pledge";
    public const string Stake = "stake";
    public const string Refund = "refund";
    public const string Share = "share";
    public const string Prize = "prize";
    /// <summary>A deposit given back when the player leaves an open group buy.</summary>
    public const string Release = "release";
    /// <summary>The failure bonus a group buy that did not reach its first tier pays on top of the refund.</summary>
    public const string Bonus = "bonus";
    /// <summary>A group-buy purchase at the price reached (the deposit counts towards it).</summary>
    public const string Order = "order";
    /// <summary>A bargain's result: the price the starter may buy at, with the coupon code as its note.</summary>
    public const string Coupon = "coupon";
}

public sealed class LedgerEntry
{
    /// <summary>game:user:kind — unique, so a repeated event can never pledge, refund or pay twice.</summary>
    public string Key { get; set; } = "";
    public long ChatId { get; set; }
    public int GameId { get; set; }
    public long UserId { get; set; }
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public long AmountFen { get; set; }
    public string Note { get; set; } = "";
    public DateTime Utc { get; set; }
    /// <summary>Order of writing, for listings in the order things happened.</summary>
    public long Seq { get; set; }

    public static LedgerEntry For(Game game, Player player, string kind, long amountFen, DateTime utc, string note = "") => new()
    {
        // A player who left and joined again (group buy) gets fresh keys for the new round.
        Key = player.Joins > 1 ? $"{game.Id}:{player.UserId}:{kind}:{player.Joins}" : $"{game.Id}:{player.UserId}:{kind}",
        ChatId = game.ChatId,
        GameId = game.Id,
        UserId = player.UserId,
        Name = player.Name,
        Kind = kind,
        AmountFen = amountFen,
        Note = note,
        Utc = utc,
    };
}
