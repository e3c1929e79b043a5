using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace GroupBot.Tests.EndToEnd;

/// <summary>A Telegram user as the peer sees it (is_bot is always false).</summary>
public sealed record PeerUser(long Id, string FirstName, string? Username);

/// <summary>A chat: Type is "private", "group", "supergroup" or "channel". For a private chat Title is sent as first_name.</summary>
public sealed record PeerChat(long Id, string Type, string Title)
{
    public static PeerChat Private(PeerUser user) => new(user.Id, "private", user.FirstName);
}

/// <summary>One inline keyboard button; CallbackData is null for URL and other buttons.</summary>
public sealed record BotButton(string Text, string? CallbackData);

/// <summary>
/// A message the bot sent (sendMessage), as stored by the peer, including later edits (editMessageText /
/// editMessageReplyMarkup merge into it). Raw is the peer's stored item:
/// {time (ms), botToken, updateId, messageId, isRead, message: the bot's request body (chat_id, text, reply_markup, reply_parameters, ...)}.
/// </summary>
public sealed record BotMessage(
    int MessageId,
    long ChatId,
    string Text,
    IReadOnlyList<IReadOnlyList<BotButton>> Buttons,
    int? ReplyToMessageId,
    JsonObject Raw)
{
    /// <summary>When the peer stored the message (its edits keep this time).</summary>
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeMilliseconds(Raw["time"]?.GetValue<long>() ?? 0);

    /// <summary>The request body the bot sent, merged with its edits.</summary>
    public JsonObject Message => Raw["message"] as JsonObject ?? [];

    public IEnumerable<BotButton> AllButtons => Buttons.SelectMany(r => r);

    public BotButton Button(string text) =>
        AllButtons.FirstOrDefault(b => b.Text == text)
        ?? throw new InvalidOperationException($"No button '{text}' on message {MessageId}: {PeerClient.Describe(this)}");

    public override string ToString() => PeerClient.Describe(this);
}

/// <summary>An answerCallbackQuery call the peer recorded.</summary>
public sealed record CallbackAnswer(string CallbackQueryId, string? Text, bool ShowAlert, string? Url, JsonObject Raw);

/// <summary>A bot-side getUpdates call the peer recorded (Time is when it arrived).</summary>
public sealed record GetUpdatesCall(long? Offset, int? Timeout, int? Limit, DateTimeOffset Time);

/// <summary>
/// Plays users against the peer's client-side API. The peer hands each bot message to a client only once
/// (one shared queue per chat), so this client remembers what it has read: <see cref="WaitForBotMessage"/> and
/// <see cref="DrainBotMessages"/> take messages from that memory, and a message they have returned is not returned again.
/// Use one PeerClient per bot token and chat.
/// </summary>
public sealed class PeerClient : IDisposable
{
    static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    readonly string _baseUrl;
    readonly Dictionary<long, List<Entry>> _seen = [];
    readonly Dictionary<long, PeerChat> _chats = [];
    JsonObject? _botUser;

    public PeerClient(string baseUrl, string token = TelegramPeer.Token)
    {
        _baseUrl = baseUrl.TrimEnd('/');
        Token = token;
    }

    /// <summary>The bot token whose updates this client sends and reads.</summary>
    public string Token { get; }

    public void Dispose() => _http.Dispose();

    static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    // ---------------------------------------------------------------- user -> bot

    /// <summary>A text message from a user; returns the message_id the peer gave it.</summary>
    public async Task<int> SendText(PeerUser from, PeerChat chat, string text, long? replyToMessageId = null)
    {
        var body = MessageBody(from, chat);
        body["text"] = text;
        if (replyToMessageId is { } replyTo) body["reply_to_message"] = await ReplyTarget(chat, replyTo);
        return await SendUserMessage("/sendMessage", body);
    }

    /// <summary>A message whose first word carries a bot_command entity, e.g. "/faq shipping"; returns its message_id.</summary>
    public Task<int> SendCommand(PeerUser from, PeerChat chat, string text)
    {
        var body = MessageBody(from, chat);
        body["text"] = text;
        var first = text.Split(' ', 2)[0];
        body["entities"] = new JsonArray(new JsonObject { ["offset"] = 0, ["length"] = first.Length, ["type"] = "bot_command" });
        return SendUserMessage("/sendCommand", body);
    }

    /// <summary>A service message: members joined (from == the member for a self-join); returns its message_id.</summary>
    public Task<int> SendNewMembers(PeerUser from, PeerChat chat, params PeerUser[] members)
    {
        var body = MessageBody(from, chat);
        body["new_chat_members"] = new JsonArray(members.Select(m => (JsonNode)UserJson(m)).ToArray());
        return SendUserMessage("/sendMessage", body);
    }

    /// <summary>Presses an inline button of a bot message; returns the callback query id the bot will see.</summary>
    public async Task<string> PressButton(PeerUser from, BotMessage msg, string data)
    {
        if (!msg.AllButtons.Any(b => b.CallbackData == data))
            throw new ArgumentException($"Message {msg.MessageId} has no button with callback data '{data}': {Describe(msg)}", nameof(data));
        var chat = ChatFor(msg.ChatId);
        var message = new JsonObject
        {
            ["message_id"] = msg.MessageId,
            ["date"] = msg.Time.ToUnixTimeSeconds(),
            ["chat"] = ChatJson(chat),
            ["from"] = (await BotUser()).DeepClone(),
            ["text"] = msg.Text,
        };
        if (msg.Message["reply_markup"] is JsonNode markup) message["reply_markup"] = markup.DeepClone();
        var body = new JsonObject
        {
            ["botToken"] = Token,
            ["from"] = UserJson(from),
            ["data"] = data,
            ["chat_instance"] = chat.Id.ToString(CultureInfo.InvariantCulture),
            ["message"] = message,
        };
        var result = await Post("/sendCallback", body);
        return result?["callback_query_id"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"/sendCallback answered without callback_query_id: {result?.ToJsonString()}");
    }

    /// <summary>
    /// Delivers any raw Update (chat_member, my_chat_member, edited_message, ...). An update_id in it is kept, so
    /// the same update can be delivered twice; without one the peer assigns the next id. Returns the update_id used.
    /// </summary>
    public async Task<long> SendRawUpdate(JsonObject update)
    {
        var result = await Post("/shim/sendUpdate", new JsonObject { ["botToken"] = Token, ["update"] = update.DeepClone() });
        return ToLong(result) ?? throw new InvalidOperationException($"/shim/sendUpdate answered {result?.ToJsonString()}");
    }

    /// <summary>Defines what getChatMember / getChatAdministrators answer for this user: "creator", "administrator", "member", "left" or "kicked".</summary>
    public async Task SetChatMember(long chatId, PeerUser user, string status)
    {
        var member = new JsonObject { ["status"] = status, ["user"] = UserJson(user) };
        switch (status)
        {
            case "creator":
                member["is_anonymous"] = false;
                break;
            case "administrator":
                member["can_be_edited"] = false;
                member["is_anonymous"] = false;
                foreach (var right in AdminRights) member[right] = true;
                break;
            case "member":
            case "left":
                break;
            case "kicked":
                member["until_date"] = 0;
                break;
            default:
                throw new ArgumentException($"Unsupported chat member status '{status}'", nameof(status));
        }
        await Post("/shim/setChatMember", new JsonObject { ["chatId"] = chatId, ["member"] = member });
    }

    static readonly string[] AdminRights =
    [
        "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members", "can_promote_members",
        "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
        "can_pin_messages", "can_manage_topics",
    ];

    // ---------------------------------------------------------------- what the peer recorded

    /// <summary>Every answerCallbackQuery call recorded since the peer started (or was reset), all tokens.</summary>
    public async Task<IReadOnlyList<CallbackAnswer>> GetCallbackAnswers()
    {
        var result = await Post("/shim/callbackAnswers", []) as JsonArray ?? [];
        return result.OfType<JsonObject>().Select(a => new CallbackAnswer(
            Str(a["callback_query_id"]) ?? "",
            Str(a["text"]),
            Str(a["show_alert"]) is "true" or "True",
            Str(a["url"]),
            (JsonObject)a.DeepClone())).ToList();
    }

    /// <summary>The bot-side getUpdates calls made with this client's token, oldest first.</summary>
    public async Task<IReadOnlyList<GetUpdatesCall>> GetUpdatesCalls()
    {
        var result = await Post("/shim/getUpdatesCalls", new JsonObject { ["token"] = Token }) as JsonArray ?? [];
        return result.OfType<JsonObject>().Select(c => new GetUpdatesCall(
            ToLong(c["offset"]),
            (int?)ToLong(c["timeout"]),
            (int?)ToLong(c["limit"]),
            DateTimeOffset.FromUnixTimeMilliseconds(ToLong(c["time"]) ?? 0))).ToList();
    }

    /// <summary>POST /shim/reset (forgets messages, answers, members, recorded calls for every token) and this client's memory.</summary>
    public async Task Reset()
    {
        await Post("/shim/reset", []);
        lock (_seen) _seen.Clear();
    }

    // ---------------------------------------------------------------- bot -> user

    /// <summary>
    /// Waits (polling every ~50 ms) for a bot message to the chat that matches and that no earlier Wait/Drain returned,
    /// oldest first. Throws TimeoutException listing everything seen in the chat after <paramref name="timeout"/> (default 10 s).
    /// Edits to a message already read are not seen here: use <see cref="WaitForHistoryMessage"/> for those.
    /// </summary>
    public async Task<BotMessage> WaitForBotMessage(PeerChat chat, Func<BotMessage, bool> match, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await Poll(chat);
            lock (_seen)
            {
                var hit = Log(chat.Id).FirstOrDefault(e => !e.Taken && match(e.Message));
                if (hit is not null)
                {
                    hit.Taken = true;
                    return hit.Message;
                }
            }
            if (clock.Elapsed >= limit)
                throw new TimeoutException(
                    $"No matching bot message in chat {chat.Id} within {limit.TotalSeconds:0.#} s. Seen in this chat:\n{DescribeSeen(chat.Id)}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Waits for the first message matching <paramref name="text"/> exactly.</summary>
    public Task<BotMessage> WaitForBotMessage(PeerChat chat, string text, TimeSpan? timeout = null) =>
        WaitForBotMessage(chat, m => m.Text == text, timeout);

    /// <summary>
    /// Every bot message to the chat not yet returned by a Wait/Drain, once nothing new has arrived for
    /// <paramref name="quiet"/> (gives up waiting for quiet after a further 30 s). Marks them returned.
    /// </summary>
    public async Task<IReadOnlyList<BotMessage>> DrainBotMessages(PeerChat chat, TimeSpan quiet)
    {
        var sinceNew = Stopwatch.StartNew();
        var overall = Stopwatch.StartNew();
        while (true)
        {
            if (await Poll(chat) > 0) sinceNew.Restart();
            if (sinceNew.Elapsed >= quiet || overall.Elapsed >= quiet + TimeSpan.FromSeconds(30)) break;
            await Task.Delay(PollInterval);
        }
        lock (_seen)
        {
            var fresh = Log(chat.Id).Where(e => !e.Taken).ToList();
            fresh.ForEach(e => e.Taken = true);
            return fresh.Select(e => e.Message).ToList();
        }
    }

    /// <summary>Every bot message to the chat this client has read so far (returned or not), oldest first.</summary>
    public IReadOnlyList<BotMessage> Seen(PeerChat chat)
    {
        lock (_seen) return Log(chat.Id).Select(e => e.Message).ToList();
    }

    /// <summary>All messages the bot sent with this token (optionally to one chat), in their current state after edits; deleted ones are gone.</summary>
    public async Task<IReadOnlyList<BotMessage>> History(PeerChat? chat = null)
    {
        var result = await Post("/getUpdatesHistory", new JsonObject { ["token"] = Token }) as JsonArray ?? [];
        return result.OfType<JsonObject>()
            .Where(IsBotMessage)
            .Select(Parse)
            .Where(m => chat is null || m.ChatId == chat.Id)
            .ToList();
    }

    /// <summary>Polls <see cref="History"/> until a message to the chat matches (e.g. an edited text); default timeout 10 s.</summary>
    public async Task<BotMessage> WaitForHistoryMessage(PeerChat chat, Func<BotMessage, bool> match, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var history = await History(chat);
            var hit = history.FirstOrDefault(match);
            if (hit is not null) return hit;
            if (clock.Elapsed >= limit)
                throw new TimeoutException(
                    $"No matching message in the history of chat {chat.Id} within {limit.TotalSeconds:0.#} s. History:\n"
                    + (history.Count == 0 ? "  (none)" : string.Join("\n", history.Select(m => "  " + Describe(m)))));
            await Task.Delay(PollInterval);
        }
    }

    // ---------------------------------------------------------------- JSON helpers

    public static JsonObject UserJson(PeerUser u)
    {
        var o = new JsonObject { ["id"] = u.Id, ["is_bot"] = false, ["first_name"] = u.FirstName };
        if (u.Username is not null) o["username"] = u.Username;
        return o;
    }

    public static JsonObject ChatJson(PeerChat c) => c.Type == "private"
        ? new JsonObject { ["id"] = c.Id, ["type"] = c.Type, ["first_name"] = c.Title }
        : new JsonObject { ["id"] = c.Id, ["type"] = c.Type, ["title"] = c.Title };

    public static string Describe(BotMessage m)
    {
        var sb = new StringBuilder($"#{m.MessageId} chat {m.ChatId}");
        if (m.ReplyToMessageId is { } r) sb.Append($" reply to #{r}");
        sb.Append($": \"{m.Text}\"");
        if (m.Buttons.Count > 0)
            sb.Append(" buttons ").Append(string.Join(" / ", m.Buttons.Select(row =>
                string.Join(", ", row.Select(b => $"[{b.Text} => {b.CallbackData ?? "-"}]")))));
        return sb.ToString();
    }

    JsonObject MessageBody(PeerUser from, PeerChat chat)
    {
        lock (_chats) _chats[chat.Id] = chat;
        return new JsonObject { ["botToken"] = Token, ["date"] = Now(), ["from"] = UserJson(from), ["chat"] = ChatJson(chat) };
    }

    async Task<int> SendUserMessage(string path, JsonObject body)
    {
        var result = await Post(path, body);
        return (int?)ToLong(result?["message_id"])
            ?? throw new InvalidOperationException($"{path} answered without message_id: {result?.ToJsonString()}");
    }

    PeerChat ChatFor(long chatId)
    {
        lock (_chats)
            return _chats.TryGetValue(chatId, out var c) ? c : new PeerChat(chatId, chatId < 0 ? "supergroup" : "private", $"Chat {chatId}");
    }

    // reply_to_message: the replied-to message as the peer stored it (bot or user), else a minimal stand-in
    async Task<JsonObject> ReplyTarget(PeerChat chat, long messageId)
    {
        var history = await Post("/getUpdatesHistory", new JsonObject { ["token"] = Token }) as JsonArray ?? [];
        foreach (var item in history.OfType<JsonObject>())
        {
            if (ToLong(item["messageId"]) != messageId || item["message"] is not JsonObject m) continue;
            if (IsBotMessage(item))
            {
                if (ToLong(m["chat_id"]) != chat.Id) continue;
                var reply = new JsonObject
                {
                    ["message_id"] = messageId,
                    ["date"] = (ToLong(item["time"]) ?? 0) / 1000,
                    ["chat"] = ChatJson(chat),
                    ["from"] = (await BotUser()).DeepClone(),
                };
                if (m["text"] is JsonNode t) reply["text"] = t.DeepClone();
                if (m["reply_markup"] is JsonNode k) reply["reply_markup"] = k.DeepClone();
                return reply;
            }
            if (item["rawUpdate"] is null && ToLong(m["chat"]?["id"]) == chat.Id)
            {
                var reply = new JsonObject { ["message_id"] = messageId };
                foreach (var key in new[] { "date", "from", "chat", "text", "entities" })
                    if (m[key] is JsonNode v) reply[key] = v.DeepClone();
                return reply;
            }
        }
        return new JsonObject { ["message_id"] = messageId, ["date"] = Now(), ["chat"] = ChatJson(chat) };
    }

    async Task<JsonObject> BotUser()
    {
        if (_botUser is not null) return _botUser;
        using var resp = await _http.GetAsync($"{_baseUrl}/bot{Token}/getMe");
        var text = await resp.Content.ReadAsStringAsync();
        var me = (JsonNode.Parse(text)?["result"] as JsonObject)
            ?? throw new InvalidOperationException($"getMe answered {(int)resp.StatusCode}: {text}");
        me.Remove("can_join_groups");
        return _botUser = (JsonObject)me.DeepClone();
    }

    // reads the chat's unread bot messages from the peer into memory; returns how many were new
    async Task<int> Poll(PeerChat chat)
    {
        var result = await Post("/getUpdates", new JsonObject { ["token"] = Token, ["chatId"] = chat.Id }) as JsonArray ?? [];
        var fresh = result.OfType<JsonObject>().Select(Parse).ToList();
        lock (_seen) Log(chat.Id).AddRange(fresh.Select(m => new Entry(m)));
        return fresh.Count;
    }

    List<Entry> Log(long chatId)
    {
        if (!_seen.TryGetValue(chatId, out var log)) _seen[chatId] = log = [];
        return log;
    }

    string DescribeSeen(long chatId)
    {
        lock (_seen)
        {
            var log = Log(chatId);
            return log.Count == 0
                ? "  (nothing)"
                : string.Join("\n", log.Select(e => $"  {(e.Taken ? "(already returned) " : "")}{Describe(e.Message)}"));
        }
    }

    static bool IsBotMessage(JsonObject item) =>
        item["rawUpdate"] is null && item["callbackQuery"] is null && item["message"]?["chat_id"] is not null;

    static BotMessage Parse(JsonObject item)
    {
        var raw = (JsonObject)item.DeepClone();
        var m = raw["message"] as JsonObject ?? [];
        var rows = new List<IReadOnlyList<BotButton>>();
        if (m["reply_markup"]?["inline_keyboard"] is JsonArray keyboard)
            foreach (var row in keyboard.OfType<JsonArray>())
                rows.Add(row.OfType<JsonObject>().Select(b => new BotButton(Str(b["text"]) ?? "", Str(b["callback_data"]))).ToList());
        var replyTo = ToLong(m["reply_parameters"]?["message_id"]) ?? ToLong(m["reply_to_message_id"]);
        return new BotMessage(
            (int)(ToLong(raw["messageId"]) ?? 0),
            ToLong(m["chat_id"]) ?? 0,
            Str(m["text"]) ?? Str(m["caption"]) ?? "",
            rows,
            (int?)replyTo,
            raw);
    }

    static string? Str(JsonNode? n) => n switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => n.ToJsonString(),
    };

    static long? ToLong(JsonNode? n)
    {
        if (n is not JsonValue v) return null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<double>(out var d)) return (long)d;
        if (v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out l)) return l;
        return null;
    }

    async Task<JsonNode?> Post(string path, JsonObject body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var resp = await _http.PostAsync(_baseUrl + path, content);
        var text = await resp.Content.ReadAsStringAsync();
        JsonNode? node = null;
        try { node = JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { }
        if (!resp.IsSuccessStatusCode || node?["ok"]?.GetValue<bool>() != true)
            throw new InvalidOperationException($"POST {path} answered {(int)resp.StatusCode}: {text}");
        return node["result"];
    }

    sealed class Entry(BotMessage message)
    {
        public BotMessage Message { get; } = message;
        public bool Taken { get; set; }
    }
}
