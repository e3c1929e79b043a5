namespace GroupBot.Storage;

public sealed class SentMessage
{
    public string Tag { get; set; } = "";
    public long ChatId { get; set; }
    public int MessageId { get; set; }
}

/// <summary>Ids of messages the bot sent under a tag, so features can edit them in place later (game messages).</summary>
public sealed class SentMessages
{
    private readonly Table<string, SentMessage> _messages;

    public SentMessages(Database db)
    {
        _messages = db.Table<string, SentMessage>("sent_messages", m => $"{m.ChatId}:{m.Tag}")
            .Index("Message", m => (m.ChatId, m.MessageId));
    }

    public void Record(string tag, long chatId, int messageId) =>
        _messages.Put(new SentMessage { Tag = tag, ChatId = chatId, MessageId = messageId });

    /// <summary>The tag of a message the bot sent, e.g. to tell that a reply answers a game's message.</summary>
    public string? TagOf(long chatId, int messageId) => _messages.FirstWhere("Message", (chatId, messageId))?.Tag;

    public int? Find(string tag, long chatId) => _messages.Get($"{chatId}:{tag}")?.MessageId;
}
