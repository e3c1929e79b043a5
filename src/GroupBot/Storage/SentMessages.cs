using LiteDB;

namespace GroupBot.Storage;

public sealed class SentMessage
{
    public ObjectId Id { get; set; } = ObjectId.NewObjectId();
    public string Tag { get; set; } = "";
    public long ChatId { get; set; }
    public int MessageId { get; set; }
}

/// <summary>Ids of messages the bot sent under a tag, so features can edit them in place later (game messages).</summary>
public sealed class SentMessages
{
    private readonly ILiteCollection<SentMessage> _messages;

    public SentMessages(Database db)
    {
        _messages = db.Collection<SentMessage>("sent_messages");
        _messages.EnsureIndex(m => m.Tag);
        _messages.EnsureIndex(m => m.MessageId);
    }

    public void Record(string tag, long chatId, int messageId) =>
        _messages.Upsert(_messages.FindOne(m => m.Tag == tag && m.ChatId == chatId) is { } existing
            ? new SentMessage { Id = existing.Id, Tag = tag, ChatId = chatId, MessageId = messageId }
            : new SentMessage { Tag = tag, ChatId = chatId, MessageId = messageId });

    /// <summary>The tag of a message the bot sent, e.g. to tell that a reply answers a game's message.</summary>
    public string? TagOf(long chatId, int messageId) =>
        _messages.FindOne(m => m.ChatId == chatId && m.MessageId == messageId)?.Tag;

    public int? Find(string tag, long chatId) => _messages.FindOne(m => m.Tag == tag && m.ChatId == chatId)?.MessageId;
}
