using System.Text;
using GroupBot.Hosting;
using Microsoft.Extensions.Options;

namespace GroupBot.Chat.Local;

/// <summary>
/// The built-in terminal chat used when no Telegram token is configured: one demo group, a line is a message
/// from the current user, "/as name" switches user, "/press n" presses button n of the last message with buttons.
/// Piped input is read as a script; the adapter waits for each line to be handled so output stays in order.
/// Message ids go on from the last run (kept in the database), so like Telegram's they never repeat in the chat.
/// </summary>
public sealed class LocalChatAdapter(TextReader input, TextWriter output, IOptions<LocalChatOptions> options, bool interactive, Storage.Database db)
    : IChatAdapter
{
    public const long DemoChatId = -1000000000001;
    public const string Owner = "owner";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ChatUser> _users = [];
    private const string LastMessageIdKey = "local.last_message_id";
    private int _lastMessageId = int.TryParse(db.GetValue(LastMessageIdKey), out var id) ? id : 0;
    private (int MessageId, IReadOnlyList<Button> Buttons)? _lastButtons;
    private ChatUser _current = null!;

    public string BotUsername => "GroupBotLocal";

    public bool WaitsForReplies => true;

    public ChatInfo Chat => new(DemoChatId, ChatKind.Supergroup, options.Value.GroupTitle);

    /// <summary>The group's owner (an admin), who the console signs in as in local mode.</summary>
    public ChatUser OwnerUser => UserNamed(Owner);

    public Task ConnectAsync(CancellationToken ct)
    {
        _current = UserNamed(Owner);
        return Task.CompletedTask;
    }

    public async Task RunAsync(Func<ChatEvent, Task> onEvent, CancellationToken ct)
    {
        await Write($"—— {Chat.Title} (local chat) · /as <name> to switch user · /press <n> to press a button · Ctrl+D to quit ——");
        await onEvent(new BotAdded(Chat, _current));
        while (!ct.IsCancellationRequested)
        {
            if (interactive) await Write($"{_current.FirstName}> ", newLine: false);
            var line = await input.ReadLineAsync(ct);
            if (line is null) break;
            line = line.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (!interactive) await Write($"{_current.FirstName}> {line}");
            var evt = Interpret(line);
            if (evt is not null) await onEvent(evt);
        }
    }

    private ChatEvent? Interpret(string line)
    {
        var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch (parts[0].ToLowerInvariant())
        {
            case "/as" when parts.Length == 2:
                var isNew = !_users.ContainsKey(parts[1]);
                _current = UserNamed(parts[1]);
                return isNew ? new MembersJoined(Chat, [_current]) : null;
            case "/as":
                _ = Write("(usage: /as <name>)");
                return null;
            case "/joinlink" when parts.Length == 2 && parts[1].Split(' ', 2) is [var who, var link]:
                return JoinByLink(who, link.Trim());
            case "/press":
                if (_lastButtons is not { } last || parts.Length < 2 || !int.TryParse(parts[1], out var n) || n < 1 || n > last.Buttons.Count)
                {
                    _ = Write(_lastButtons is null ? "(no message with buttons yet)" : $"(usage: /press 1…{_lastButtons.Value.Buttons.Count})");
                    return null;
                }
                return new ButtonPressed(Chat, _current, Guid.NewGuid().ToString("N"), last.MessageId, last.Buttons[n - 1].Data);
            default:
                return new MessageReceived(Chat, _current, NextMessageId(), line);
        }
    }

    public async Task<int?> PerformAsync(ChatAction action, CancellationToken ct)
    {
        switch (action)
        {
            case SendText send:
                var id = NextMessageId();
                await Write($"🤖 [#{id}] {(send.Html ? Plain(send.Text) : send.Text)}{Buttons(id, send.Buttons)}");
                return id;
            case EditText edit:
                await Write($"🤖 [#{edit.MessageId} edited] {edit.Text}{Buttons(edit.MessageId, edit.Buttons)}");
                return edit.MessageId;
            case LeaveChat:
                await Write("🤖 (left the group: not on the allow-list in config/groups.json)");
                return null;
            case DeleteMessage delete:
                await Write($"🤖 (deleted message #{delete.MessageId})");
                return null;
            case SendPhoto photo:
                var photoId = NextMessageId();
                await Write($"🤖 [#{photoId}] 🖼 {photo.Photo}\n{Plain(photo.Caption)}{Buttons(photoId, photo.Buttons)}");
                return photoId;
            case SendAlbum album:
                var albumId = NextMessageId();
                for (var i = 1; i < album.Photos.Count; i++) NextMessageId();
                await Write($"🤖 [#{albumId}] 🖼 {album.Photos.Count} photos{(album.Caption.Length > 0 ? " · " + album.Caption : "")}\n"
                    + string.Join("\n", album.Photos.Select((p, i) => $"   {i + 1}. {p}")));
                return albumId;
            case AnswerButton { Text: { Length: > 0 } text }:
                await Write($"🤖 (to {_current.FirstName} only) {text}");
                return null;
            default:
                return null;
        }
    }

    public Task<IReadOnlySet<long>> GetChatAdminsAsync(long chatId, CancellationToken ct)
    {
        IReadOnlySet<long> admins = options.Value.Admins.Append(Owner).Select(name => UserNamed(name).Id).ToHashSet();
        return Task.FromResult(admins);
    }

    /// <summary>Everyone who has spoken in the demo group is in it.</summary>
    public Task<bool> IsMemberAsync(long chatId, long userId, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(chatId == DemoChatId && _users.Values.Any(u => u.Id == userId));
    }

    public Task<string> CreateInviteLinkAsync(long chatId, string name, CancellationToken ct) =>
        Task.FromResult($"https://t.me/+local{Guid.NewGuid().ToString("N")[..10]}");

    /// <summary>Joins the demo group as a new user through an invite link, as Telegram's chat_member update would report it.</summary>
    public ChatEvent JoinByLink(string name, string link)
    {
        _current = UserNamed(name);
        return new MembersJoined(Chat, [_current], link);
    }

    public Task SetCommandMenuAsync(IReadOnlyList<(string Name, string Description)> commands, string? languageCode, CancellationToken ct) =>
        Task.CompletedTask;

    /// <summary>Telegram HTML as a terminal shows it: tags dropped, entities decoded.</summary>
    private static string Plain(string html) => System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "</?(b|i|u|s|code|pre)>", ""));

    private string Buttons(int messageId, IReadOnlyList<IReadOnlyList<Button>>? rows)
    {
        if (rows is null or { Count: 0 }) return "";
        var flat = rows.SelectMany(r => r).ToList();
        lock (_lock) _lastButtons = (messageId, flat);
        var sb = new StringBuilder("\n   ");
        for (var i = 0; i < flat.Count; i++) sb.Append($"[{i + 1}] {flat[i].Text}  ");
        return sb.ToString().TrimEnd();
    }

    /// <summary>Local users get stable ids from their names so their records survive restarts.</summary>
    private ChatUser UserNamed(string name)
    {
        lock (_lock)
        {
            if (_users.TryGetValue(name, out var user)) return user;
            var hash = 2166136261u;
            foreach (var c in name.ToLowerInvariant()) hash = (hash ^ c) * 16777619u;
            user = new ChatUser(1_000_000 + hash % 1_000_000_000, name, name);
            _users[name] = user;
            return user;
        }
    }

    private int NextMessageId()
    {
        var id = Interlocked.Increment(ref _lastMessageId);
        db.SetValue(LastMessageIdKey, id.ToString());
        return id;
    }

    private async Task Write(string text, bool newLine = true)
    {
        if (newLine) await output.WriteLineAsync(text);
        else await output.WriteAsync(text);
        await output.FlushAsync();
    }
}
