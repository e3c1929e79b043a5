using GroupBot.Storage;

namespace GroupBot.Community;

public sealed class InviteLink
{
    public long ChatId { get; set; }
    public long UserId { get; set; }
    public string Link { get; set; } = "";
}

/// <summary>Personal invite links: one per distributor per group, created once and reused.</summary>
public sealed class InviteLinks
{
    private readonly Table<string, InviteLink> _links;

    public InviteLinks(Database db)
    {
        _links = db.Table<string, InviteLink>("invite_links", l => $"{l.ChatId}:{l.UserId}").Index("Link", l => (l.ChatId, l.Link));
    }

    public string? Of(long chatId, long userId) => _links.Get($"{chatId}:{userId}")?.Link;

    public void Save(long chatId, long userId, string link) => _links.Put(new InviteLink { ChatId = chatId, UserId = userId, Link = link });

    /// <summary>Whose link this is, if it is one of ours.</summary>
    public long? OwnerOf(long chatId, string link) => _links.FirstWhere("Link", (chatId, link))?.UserId;
}
