using System.Text.Json;
using GroupBot.Chat;

namespace GroupBot.Outbox;

/// <summary>One outgoing action, stored before it is sent. Key makes an enqueue idempotent (a post per schedule, fire time and group).</summary>
public sealed class OutboxItem
{
    public long Id { get; set; }
    /// <summary>Set for an item that must be accepted once only (a scheduled post); kept a day after it is sent.</summary>
    public string? Key { get; set; }
    public long ChatId { get; set; }
    public string Kind { get; set; } = "";
    public string Text { get; set; } = "";
    public string? ButtonsJson { get; set; }
    public int? ReplyTo { get; set; }
    public string? Tag { get; set; }
    public int? MessageId { get; set; }
    public string? CallbackId { get; set; }
    public string? Photo { get; set; }
    public bool Html { get; set; }
    public DateTime EnqueuedUtc { get; set; }
    public int Attempts { get; set; }
    public DateTime NextUtc { get; set; }
    public string State { get; set; } = Pending;
    public int? SentMessageId { get; set; }
    public string? Error { get; set; }

    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";

    /// <summary>The user a join request is approved for.</summary>
    public long? UserId { get; set; }

    /// <summary>The user whose message or press this answers; null for what the bot says of its own accord.</summary>
    public long? ByUser { get; set; }

    /// <summary>Goes before the chat's turns: a game's own message, and a deletion that hides a secret.</summary>
    public bool Urgent => Kind is "delete" or "album" || (Kind == "text" && Tag?.StartsWith("game:", StringComparison.Ordinal) == true);

    /// <summary>Button answers and deletions do not count towards the per-chat message limits.</summary>
    public bool IsMessage => Kind is "text" or "edit" or "photo" or "album";

    public static OutboxItem From(ChatAction action, DateTime nowUtc, string? key = null)
    {
        var item = new OutboxItem { ChatId = action.ChatId, EnqueuedUtc = nowUtc, NextUtc = nowUtc, Key = key };
        action = action switch
        {
            // Last guard before the store: a text that is not valid Unicode cannot be stored (CleanText), and one over
            // Telegram's 4,096 characters would be refused (TelegramText; a photo's long caption is split when sent).
            SendText s => s with { Text = TelegramText.Fit(CleanText.Of(s.Text), s.Html) },
            EditText e => e with { Text = TelegramText.Fit(CleanText.Of(e.Text), html: false) },
            SendPhoto p => p with { Caption = CleanText.Of(p.Caption) },
            SendAlbum al => al with { Caption = TelegramText.Fit(CleanText.Of(al.Caption), html: false, TelegramText.CaptionLimit) },
            AnswerButton a => a with { Text = CleanText.OfNullable(a.Text) },
            _ => action,
        };
        switch (action)
        {
            case SendText s:
                (item.Kind, item.Text, item.ReplyTo, item.Tag, item.Html) = ("text", s.Text, s.ReplyTo, s.Tag, s.Html);
                item.ButtonsJson = Json(s.Buttons);
                break;
            case EditText e:
                (item.Kind, item.Text, item.MessageId) = ("edit", e.Text, e.MessageId);
                item.ButtonsJson = Json(e.Buttons);
                break;
            case SendPhoto p:
                (item.Kind, item.Text, item.Photo, item.Tag) = ("photo", p.Caption, p.Photo, p.Tag);
                item.ButtonsJson = Json(p.Buttons);
                break;
            case SendAlbum al:
                (item.Kind, item.Text, item.Photo) = ("album", al.Caption, string.Join('\n', al.Photos));
                break;
            case DeleteMessage d:
                (item.Kind, item.MessageId) = ("delete", d.MessageId);
                break;
            case LeaveChat:
                item.Kind = "leave";
                break;
            case ApproveJoinRequest approve:
                (item.Kind, item.UserId) = ("approve", approve.UserId);
                break;
            case AnswerButton a:
                (item.Kind, item.Text, item.CallbackId) = ("answer", a.Text ?? "", a.CallbackId);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action.GetType().Name, "Unknown action");
        }
        return item;
    }

    public ChatAction ToAction()
    {
        var buttons = ButtonsJson is null ? null : JsonSerializer.Deserialize<List<List<Button>>>(ButtonsJson);
        return Kind switch
        {
            "text" => new SendText(ChatId, Text, buttons, ReplyTo, Tag, Html),
            "edit" => new EditText(ChatId, MessageId!.Value, Text, buttons),
            "photo" => new SendPhoto(ChatId, Photo!, Text, buttons, Tag),
            "album" => new SendAlbum(ChatId, Photo!.Split('\n'), Text),
            "delete" => new DeleteMessage(ChatId, MessageId!.Value),
            "answer" => new AnswerButton(ChatId, CallbackId!, Text.Length > 0 ? Text : null),
            "leave" => new LeaveChat(ChatId),
            "approve" => new ApproveJoinRequest(ChatId, UserId!.Value),
            _ => throw new InvalidOperationException($"Unknown outbox kind {Kind}"),
        };
    }

    private static string? Json(IReadOnlyList<IReadOnlyList<Button>>? buttons) => buttons is null ? null : JsonSerializer.Serialize(buttons);
}
