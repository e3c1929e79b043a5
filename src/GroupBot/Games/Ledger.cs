using LiteDB;

namespace GroupBot.Games;

/// <summary>What a player pledged, staked, got back or won. The bot records money; it moves none.</summary>
public static class LedgerKind
{
    public const string Pledge = "pledge";
    public const string Stake = "stake";
    public const string Refund = "refund";
    public const string Share = "share";
    public const string Prize = "prize";
}

public sealed class LedgerEntry
{
    public ObjectId Id { get; set; } = ObjectId.NewObjectId();
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

    public static LedgerEntry For(Game game, Player player, string kind, long amountFen, DateTime utc, string note = "") => new()
    {
        Key = $"{game.Id}:{player.UserId}:{kind}",
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
