using System.Text;
using GroupBot.Chat;

namespace GroupBot.Text;

/// <summary>
/// Text from outside is not always valid Unicode (a JSON "\ud800" decodes to a lone surrogate) and LiteDB refuses to
/// store such strings: lone surrogates become U+FFFD and NUL characters are dropped, at the door.
/// </summary>
public static class CleanText
{
    public static string Of(string text)
    {
        if (!NeedsWork(text)) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }
            sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
        }
        return sb.ToString();
    }

    public static string? OfNullable(string? text) => text is null ? null : Of(text);

    public static ChatUser Of(ChatUser user) => user with { FirstName = Of(user.FirstName), Username = OfNullable(user.Username) };

    public static ChatInfo Of(ChatInfo chat) => chat with { Title = Of(chat.Title) };

    /// <summary>The event with every text in it made safe to store.</summary>
    public static ChatEvent Of(ChatEvent evt) => evt switch
    {
        MessageReceived m => m with { Chat = Of(m.Chat), From = Of(m.From), Text = Of(m.Text), Mentions = m.Mentions?.Select(Of).ToList() },
        ButtonPressed b => b with { Chat = Of(b.Chat), From = Of(b.From), Data = Of(b.Data) },
        MembersJoined j => j with { Chat = Of(j.Chat), Members = j.Members.Select(Of).ToList(), InviteLink = OfNullable(j.InviteLink) },
        MemberLeft l => l with { Chat = Of(l.Chat), Member = Of(l.Member) },
        _ => evt,
    };

    private static bool NeedsWork(string text)
    {
        foreach (var c in text)
            if (c == '\0' || char.IsSurrogate(c)) return true;
        return false;
    }
}
