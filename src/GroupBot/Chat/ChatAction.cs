namespace GroupBot.Chat;

public sealed record Button(string Text, string Data);

/// <summary>What the bot asks an adapter to do.</summary>
public abstract record ChatAction(long ChatId);

/// <param name="Tag">names the message (e.g. "game:12") so its id is recorded and it can be edited later</param>
public sealed record SendText(long ChatId, string Text, IReadOnlyList<IReadOnlyList<Button>>? Buttons = null, int? ReplyTo = null, string? Tag = null)
    : ChatAction(ChatId);

public sealed record EditText(long ChatId, int MessageId, string Text, IReadOnlyList<IReadOnlyList<Button>>? Buttons = null)
    : ChatAction(ChatId);

public sealed record AnswerButton(long ChatId, string CallbackId, string? Text = null) : ChatAction(ChatId);

/// <summary>Removes a message (needs admin rights in the group); used to keep a price guess's answer secret.</summary>
public sealed record DeleteMessage(long ChatId, int MessageId) : ChatAction(ChatId);
