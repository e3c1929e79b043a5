namespace GroupBot.Games.Jigsaw;

/// <summary>The nine-tile QR jigsaw's own part of a game. Claimers are the game's Players, in the order they were decided.</summary>
public sealed class JigsawPart
{
    public string Prize { get; set; } = "";
    /// <summary>Secret until the game ends: the album's order comes only from it (JigsawImage.Order).</summary>
    public string SeedHex { get; set; } = "";
    /// <summary>SHA-256 of the seed bytes, posted with the album.</summary>
    public string SeedHash { get; set; } = "";
    /// <summary>link= variant: what the QR holds (the brand's own account) instead of a claim link.</summary>
    public string? Link { get; set; }
    /// <summary>link= variant: the code word printed under the QR; secret until the game ends.</summary>
    public string? Code { get; set; }
    public long? WinnerUserId { get; set; }
    public DateTime? WonUtc { get; set; }
}

/// <summary>A claim link's token (its SHA-256, never the token) → the game it claims.</summary>
public sealed class JigsawLink
{
    public string Hash { get; set; } = "";
    public long ChatId { get; set; }
    public int GameId { get; set; }
}

/// <summary>
/// A claim checked in the claimer's chat (valid link, member of the group), waiting to be decided in the group's queue,
/// where the game lives: claims from many private chats are decided one at a time, in order, and a crash in between
/// loses none (the pending claims are handed in again at start).
/// </summary>
public sealed class JigsawClaim
{
    /// <summary>gameId:userId — one pending claim per person and game.</summary>
    public string Key { get; set; } = "";
    public long ChatId { get; set; }
    public int GameId { get; set; }
    public long UserId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Where the claimer is answered (their private chat; the group in the local chat).</summary>
    public long ReplyChatId { get; set; }
    public int? ReplyTo { get; set; }
    public string Language { get; set; } = "";
    public long Seq { get; set; }
    public DateTime Utc { get; set; }
}

/// <summary>Claims of a jigsaw are waiting to be decided: runs in the group's queue like any of its events.</summary>
public sealed record JigsawClaimDue(Chat.ChatInfo Chat, int GameId) : Chat.ChatEvent(Chat);
