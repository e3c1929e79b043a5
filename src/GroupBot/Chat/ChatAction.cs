namespace GroupBot.Chat;

public sealed record Button(string Text, string Data);

/// <summary>What the bot asks an adapter to do.</summary>
public abstract record ChatAction(long ChatId);

public sealed record SendText(long ChatId, string Text, IReadOnlyList<IReadOnlyList<Button>>? Buttons = null, int? ReplyTo = null)
    : ChatAction(ChatId);

public sealed record EditText(long ChatId, int MessageId, string Text, IReadOnlyList<IReadOnlyList<Button>>? Buttons = null)
    : ChatAction(ChatId);

public sealed record AnswerButton(long ChatId, string CallbackId, string? Text = null) : ChatAction(ChatId);
