using GroupBot.Storage;
using LiteDB;

namespace GroupBot.Community;

public sealed class InviteLink
{
    public ObjectId Id { get; set; } = ObjectId.NewObjectId();
    public long ChatId { get; set; }
    public long UserId { get; set; }
    public string Link { get; set; } = "";
}

/// <summary>Personal invite links: one per distributor per group, created once and reused.</summary>
public sealed class InviteLinks
{
    private readonly ILiteCollection<InviteLink> _links;

    public InviteLinks(Database db)
    {
        _links = db.Collection<InviteLink>("invite_links");
        _links.EnsureIndex(l => l.Link);
        _links.EnsureIndex(l => l.ChatId);
    }

    public string? Of(long chatId, long userId) => _links.FindOne(l => l.ChatId == chatId && l.UserId == userId)?.Link;

    public void Save(long chatId, long userId, string link) => _links.Insert(new InviteLink { ChatId = chatId, UserId = userId, Link = link });

    /// <summary>Whose link this is, if it is one of ours.</summary>
    public long? OwnerOf(long chatId, string link) => _links.FindOne(l => l.ChatId == chatId && l.Link == link)?.UserId;
}
