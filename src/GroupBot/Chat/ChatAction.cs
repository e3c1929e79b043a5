namespace GroupBot.Chat;

public sealed record Button(string Text, string Data);

/// <summary>What the bot asks an adapter to do.</summary>
public abstract record ChatAction(long ChatId);

/// <param name="Tag">names the message (e.g. "game:12") so its id is recorded and it can be edited later</param>
/// <param name="Html">the text is Telegram HTML (posts use &lt;code&gt; so a phone user copies a copy variant with one tap)</param>
public sealed record SendText(long ChatId, string Text, IReadOnlyList<IReadOnlyList<Button>>? Buttons = null, int? ReplyTo = null, string? Tag = null,
    bool Html = false) : ChatAction(ChatId);

public sealed record EditText(long ChatId, int MessageId, string Text, IReadOnlyList<IReadOnlyList<Button>>? Buttons = null)
    : ChatAction(ChatId);

public sealed record AnswerButton(long ChatId, string CallbackId, string? Text = null) : ChatAction(ChatId);

/// <summary>Removes a message (needs admin rights in the group); used to keep a price guess's answer secret.</summary>
public sealed record DeleteMessage(long ChatId, int MessageId) : ChatAction(ChatId);

/// <summary>A photo (local file path or URL) with a caption; a caption over the limit is split into follow-up texts.</summary>
public sealed record SendPhoto(long ChatId, string Photo, string Caption, IReadOnlyList<IReadOnlyList<Button>>? Buttons = null, string? Tag = null)
    : ChatAction(ChatId);

/// <summary>Photos (local files) sent as one album (Telegram's sendMediaGroup, 2–10 photos); the caption goes under the first.</summary>
public sealed record SendAlbum(long ChatId, IReadOnlyList<string> Photos, string Caption = "") : ChatAction(ChatId);

/// <summary>A chat network's refusal of an action: what went wrong and whether trying again can help.</summary>
public sealed class ChatApiException(int code, string description, TimeSpan? retryAfter = null, bool transient = false, long? migrateTo = null)
    : Exception(description)
{
    /// <summary>The group became a supergroup with this id (Telegram's migrate_to_chat_id): send there instead.</summary>
    public long? MigrateTo { get; } = migrateTo;

    public int Code { get; } = code;
    /// <summary>Telegram's 429 flood control: wait exactly this long before sending to this chat again.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
    /// <summary>A network error, a timeout or a 5xx: the same call may work later.</summary>
    public bool Transient { get; } = transient;

    /// <summary>The chat is out of reach for good: 403 (the bot was kicked, or blocked by the user) or 400 "chat not found".</summary>
    public bool ChatGone => Code == 403 || (Code == 400 && Message.Contains("chat not found", StringComparison.OrdinalIgnoreCase));
}

/// <summary>Lets a user in who asked to join (Telegram's approveChatJoinRequest; needs the right to invite users).</summary>
public sealed record ApproveJoinRequest(long ChatId, long UserId) : ChatAction(ChatId);

/// <summary>The bot leaves a chat it is not meant to serve (config/groups.json with the allow-list on).</summary>
public sealed record LeaveChat(long ChatId) : ChatAction(ChatId);
