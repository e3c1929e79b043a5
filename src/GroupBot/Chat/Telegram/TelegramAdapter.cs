using GroupBot.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace GroupBot.Chat.Telegram;

/// <summary>Telegram's id for a photo already uploaded (Source: the URL, or the file with its size and time).</summary>
public sealed class PhotoFileId
{
    public string Source { get; set; } = "";
    public string FileId { get; set; } = "";
}

/// <summary>The token (or the webhook URL) was refused by Telegram: retrying cannot help (exit code 3).</summary>
public sealed class BotTokenRejectedException(string message) : Exception(message);

/// <summary>Telegram over long polling. Survives network and API errors with backoff; never logs the token.</summary>
public sealed class TelegramAdapter(
    ITelegramBotClient client, UpdateInbox inbox, IOptions<TelegramOptions> options, TimeProvider time, ILogger<TelegramAdapter> log,
    IOptions<WebhookOptions>? webhook = null, Games.Entropy? entropy = null, Storage.Database? db = null)
    : IChatAdapter
{
    public static readonly UpdateType[] AllowedUpdates =
        [UpdateType.Message, UpdateType.CallbackQuery, UpdateType.MyChatMember, UpdateType.ChatMember, UpdateType.ChatJoinRequest];

    private long _botId;

    public string BotUsername { get; private set; } = "";

    public async Task ConnectAsync(CancellationToken ct)
    {
        var me = await Connect(ct);
        _botId = me.Id;
        BotUsername = me.Username ?? "";
        log.LogInformation("Connected to Telegram as @{BotUsername} ({BotId})", BotUsername, _botId);
        if (Webhook is not null) return; // RunAsync sets the webhook once it can take pushes
        // Long polling and a webhook exclude each other; a leftover webhook would make every getUpdates fail.
        await Retry("deleteWebhook", () => client.DeleteWebhook(dropPendingUpdates: false, cancellationToken: ct), ct);
    }

    /// <summary>Updates accepted but not yet handled, at most: past it the bot stops asking Telegram for more.</summary>
    public const int MaxWaiting = 2000;

    private readonly SemaphoreSlim _waiting = new(MaxWaiting);

    public async Task RunAsync(Func<ChatEvent, Task> onEvent, CancellationToken ct)
    {
        foreach (var update in inbox.Unhandled())
        {
            log.LogInformation("Re-handling update {UpdateId} accepted before the last stop", update.Id);
            await Dispatch(update, onEvent, ct);
        }
        if (Webhook is { } hook)
        {
            await RunWebhook(hook, onEvent, ct);
            return;
        }

        var failures = 0;
        var accepted = Task.CompletedTask;
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<Update> updates;
            try
            {
                // The offset of the next getUpdates tells Telegram the last batch arrived: only once it is on disk.
                await accepted;
                var batch = await client.GetUpdates(inbox.LastUpdateId + 1, 100, options.Value.PollTimeoutSeconds, AllowedUpdates, ct);
                failures = 0;
                LastContact = time.GetUtcNow();
                // Stored in one unit, handled at once: the handlers' units follow it into the journal's next group commit.
                (updates, accepted) = inbox.Accept(batch);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (ApiRequestException ex) when (ex.ErrorCode == 401)
            {
                throw Rejected(ex);
            }
            catch (Exception ex)
            {
                await WaitAfter("getUpdates", ex, ++failures, ct);
                continue;
            }
            try
            {
                foreach (var update in updates) await Dispatch(update, onEvent, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private WebhookOptions? Webhook => webhook?.Value is { Enabled: true } w ? w : null;

    /// <summary>When Telegram was last heard from: the last getUpdates answered, or the last update pushed.</summary>
    public DateTimeOffset? LastContact { get; private set; }

    /// <summary>True when updates come by webhook rather than long polling.</summary>
    public bool UsesWebhook => Webhook is not null;

    private Func<ChatEvent, Task>? _onPushed;
    private CancellationToken _runToken;

    /// <summary>Set once the webhook is registered and the bot handles what Telegram pushes; false again when stopping.</summary>
    public bool AcceptsPushes => _onPushed is not null && !_runToken.IsCancellationRequested;

    /// <summary>
    /// Tells Telegram where to push (with the secret, the update types and the connections it may open), then waits: the
    /// webhook endpoint hands each update in through <see cref="Pushed"/>. The webhook stays set at a stop, so Telegram
    /// keeps what arrives meanwhile and delivers it after the restart.
    /// </summary>
    private async Task RunWebhook(WebhookOptions hook, Func<ChatEvent, Task> onEvent, CancellationToken ct)
    {
        _runToken = ct;
        _onPushed = onEvent;
        try
        {
            await Retry("setWebhook", () => client.SetWebhook(hook.Url!, maxConnections: hook.MaxConnections, allowedUpdates: AllowedUpdates,
                dropPendingUpdates: false, secretToken: hook.Secret, cancellationToken: ct), ct);
        }
        catch (ApiRequestException ex) when (ex.ErrorCode is 400 or 401 or 403 or 404)
        {
            // A URL Telegram will not call (not HTTPS, a port it does not serve, an unresolvable host): retrying cannot help.
            throw new BotTokenRejectedException($"Telegram refused the webhook {hook.Url} ({ex.ErrorCode} {ex.Message}). Check Telegram:Webhook:Url.");
        }
        LastContact = time.GetUtcNow();
        log.LogInformation("Webhook set: Telegram pushes updates to {Url} (at most {Connections} connections)", hook.Url, hook.MaxConnections);
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One update from the webhook: stored durably (a repeat is dropped) and handed to its chat's queue; the caller answers
    /// 200 only after this completes. The hand-over uses the bot's own token, not the request's: an update accepted must be
    /// handled even if Telegram hangs up.
    /// </summary>
    public async Task Pushed(Update update, UpdateInbox store)
    {
        var onEvent = _onPushed ?? throw new InvalidOperationException("The webhook is not running");
        LastContact = time.GetUtcNow();
        if (!await store.AcceptPushed(update))
        {
            log.LogDebug("Update {UpdateId} delivered again: dropped", update.Id);
            return;
        }
        await Dispatch(update, onEvent, _runToken);
    }

    /// <summary>getMe until it answers: a bot started while the network is down waits for it.</summary>
    private async Task<User> Connect(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await client.GetMe(ct);
            }
            catch (ApiRequestException ex) when (ex.ErrorCode is 401 or 404)
            {
                throw Rejected(ex);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                await WaitAfter("getMe", ex, attempt, ct);
            }
        }
    }

    private static BotTokenRejectedException Rejected(ApiRequestException ex) =>
        new($"Telegram refused the bot token ({ex.ErrorCode} {ex.Message}). Check Telegram:BotToken.");

    private async Task Dispatch(Update update, Func<ChatEvent, Task> onEvent, CancellationToken ct)
    {
        ChatEvent? evt;
        try
        {
            evt = UpdateMapper.Map(update, _botId);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Could not read update {UpdateId}", update.Id);
            evt = null;
        }
        if (evt is null)
        {
            inbox.Drop(update.Id);
            return;
        }
        // Not awaited: other chats must not wait for this one. The queue keeps this chat's order; the handler's unit
        // removes the update from the inbox together with its effects.
        await _waiting.WaitAsync(ct);
        // The release runs inline where the event ends: not worth a pool work item of its own.
        _ = onEvent(evt with { Handled = () => inbox.MarkHandled(update.Id) })
            .ContinueWith(_ => _waiting.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public bool WaitsForReplies => false;

    /// <summary>One API call, no retries: the outbox owns retrying, waiting on 429 and giving up.</summary>
    public async Task<int?> PerformAsync(ChatAction action, CancellationToken ct)
    {
        try
        {
            switch (action)
            {
                case SendText send:
                    var sent = await client.SendMessage(send.ChatId, send.Text, send.Html ? ParseMode.Html : ParseMode.None,
                        replyParameters: send.ReplyTo is { } r ? new ReplyParameters { MessageId = r, AllowSendingWithoutReply = true } : null,
                        replyMarkup: Keyboard(send.Buttons), cancellationToken: ct);
                    return sent.MessageId;
                case EditText edit:
                    await client.EditMessageText(edit.ChatId, edit.MessageId, edit.Text, replyMarkup: Keyboard(edit.Buttons), cancellationToken: ct);
                    return edit.MessageId;
                case SendPhoto photo:
                    return await SendPhoto(photo, ct);
                case SendAlbum album:
                    return await SendAlbum(album, ct);
                case DeleteMessage delete:
                    await client.DeleteMessage(delete.ChatId, delete.MessageId, ct);
                    return null;
                case ApproveJoinRequest approve:
                    await client.ApproveChatJoinRequest(approve.ChatId, approve.UserId, ct);
                    return null;
                case LeaveChat leave:
                    await client.LeaveChat(leave.ChatId, ct);
                    return null;
                case AnswerButton answer:
                    await client.AnswerCallbackQuery(answer.CallbackId, answer.Text, cancellationToken: ct);
                    return null;
                default:
                    throw new ArgumentOutOfRangeException(nameof(action), action.GetType().Name, "Unknown action");
            }
        }
        catch (ApiRequestException ex) when (ex.ErrorCode == 400 && ex.Message.Contains("message is not modified", StringComparison.OrdinalIgnoreCase))
        {
            return (action as EditText)?.MessageId; // the edit was already there: nothing to do
        }
        catch (ApiRequestException ex)
        {
            var retryAfter = ex.Parameters?.RetryAfter is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            throw new ChatApiException(ex.ErrorCode, ex.Message, ex.ErrorCode == 429 ? retryAfter ?? TimeSpan.FromSeconds(1) : null, ex.ErrorCode >= 500,
                ex.Parameters?.MigrateToChatId);
        }
        catch (Exception ex) when (ex is RequestException or HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new ChatApiException(0, "network error: " + Scrub(ex), transient: true);
        }
    }

    /// <summary>An exception as text for the log, with the token cut out should a URL have slipped into it.</summary>
    private string Scrub(Exception ex)
    {
        var text = ex.GetType().Name + ": " + ex.Message + (ex.InnerException is { } inner ? " (" + inner.GetType().Name + ": " + inner.Message + ")" : "");
        return string.IsNullOrEmpty(options.Value.BotToken) ? text : text.Replace(options.Value.BotToken, "***");
    }

    /// <summary>Telegram captions hold 1,024 characters; longer text follows as messages.</summary>
    public const int CaptionLimit = TelegramText.CaptionLimit;

    private async Task<int?> SendPhoto(SendPhoto photo, CancellationToken ct)
    {
        var (caption, rest) = SplitCaption(photo.Caption);
        var sent = await SendPhotoOnce(photo, caption, rest.Count == 0 ? Keyboard(photo.Buttons) : null, ct);
        // The outbox splits a long caption into items of their own; this only serves a caller that did not.
        for (var i = 0; i < rest.Count; i++)
            await client.SendMessage(photo.ChatId, rest[i], ParseMode.Html, replyMarkup: i == rest.Count - 1 ? Keyboard(photo.Buttons) : null, cancellationToken: ct);
        return sent.MessageId;
    }

    private readonly Storage.Table<string, PhotoFileId>? _photoIds = db?.Table<string, PhotoFileId>("telegram_photo_ids", p => p.Source);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _uploading = new();

    /// <summary>
    /// A photo is uploaded once: Telegram's file_id of the first upload is kept (per file, its size and time: an edited file
    /// is uploaded again) and later posts send the id, so a broadcast to 10,000 groups is one upload, not 10,000. The first
    /// upload of a file is made alone; the sends waiting for it then use its id. An id Telegram no longer accepts is
    /// forgotten and the file uploaded again.
    /// </summary>
    private async Task<Message> SendPhotoOnce(SendPhoto photo, string caption, InlineKeyboardMarkup? keyboard, CancellationToken ct)
    {
        var source = PhotoSource(photo.Photo);
        if (_photoIds?.Get(source)?.FileId is { } known)
        {
            try
            {
                return await client.SendPhoto(photo.ChatId, InputFile.FromFileId(known), caption, ParseMode.Html, replyMarkup: keyboard, cancellationToken: ct);
            }
            catch (ApiRequestException ex) when (ex.ErrorCode == 400 && ex.Message.Contains("file", StringComparison.OrdinalIgnoreCase))
            {
                log.LogWarning("Telegram no longer accepts the file id of {Photo} ({Error}): uploading it again", photo.Photo, ex.Message);
                Remember(source, null);
            }
        }
        var gate = _uploading.GetOrAdd(source, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            // Another send may have uploaded it while this one waited.
            if (_photoIds?.Get(source)?.FileId is { } uploaded)
                return await client.SendPhoto(photo.ChatId, InputFile.FromFileId(uploaded), caption, ParseMode.Html, replyMarkup: keyboard, cancellationToken: ct);
            InputFile file;
            Stream? stream = null;
            if (Uri.TryCreate(photo.Photo, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") file = InputFile.FromUri(uri);
            else
            {
                stream = File.OpenRead(photo.Photo);
                file = InputFile.FromStream(stream, Path.GetFileName(photo.Photo));
            }
            try
            {
                var sent = await client.SendPhoto(photo.ChatId, file, caption, ParseMode.Html, replyMarkup: keyboard, cancellationToken: ct);
                if (sent.Photo is { Length: > 0 } sizes) Remember(source, sizes[^1].FileId);
                return sent;
            }
            finally
            {
                stream?.Dispose();
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>An album of local photo files, uploaded in one multipart sendMediaGroup; the id of its first message.</summary>
    private async Task<int?> SendAlbum(SendAlbum album, CancellationToken ct)
    {
        var streams = album.Photos.Select(File.OpenRead).ToList();
        try
        {
            var media = streams.Select((s, i) => new InputMediaPhoto(InputFile.FromStream(s, $"photo{i + 1}.png"))
            {
                Caption = i == 0 && album.Caption.Length > 0 ? album.Caption : null,
            }).ToList();
            var sent = await client.SendMediaGroup(album.ChatId, media, cancellationToken: ct);
            return sent.FirstOrDefault()?.MessageId;
        }
        finally
        {
            foreach (var s in streams) s.Dispose();
        }
    }

    /// <summary>What a file_id stands for: a URL as it is; a local file with its size and time, so an edit uploads anew.</summary>
    private static string PhotoSource(string photo)
    {
        if (Uri.TryCreate(photo, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return photo;
        var info = new FileInfo(photo);
        return info.Exists ? $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}" : photo;
    }

    /// <summary>Kept in a unit of its own that the send does not wait for (a lost id only costs one more upload).</summary>
    private void Remember(string source, string? fileId)
    {
        if (db is null || _photoIds is null) return;
        using var unit = db.Begin();
        if (fileId is null) _photoIds.Delete(source);
        else _photoIds.Put(new PhotoFileId { Source = source, FileId = fileId });
        _ = unit.CommitAsync().ContinueWith(t => log.LogWarning("Could not keep a photo's file id: {Error}", t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>
    /// A caption that fits, and the rest split at line breaks into messages of at most 4,096 characters; every part keeps
    /// Telegram HTML balanced (a cut inside &lt;code&gt; closes and reopens it), or Telegram would refuse both.
    /// </summary>
    public static (string Caption, List<string> Following) SplitCaption(string text)
    {
        if (text.Length <= CaptionLimit) return (text, []);
        var parts = TelegramText.Split(text, CaptionLimit, TelegramText.MessageLimit);
        return (parts[0], parts.Skip(1).ToList());
    }

    public async Task<IReadOnlySet<long>> GetChatAdminsAsync(long chatId, CancellationToken ct)
    {
        var admins = await Retry("getChatAdministrators", () => client.GetChatAdministrators(chatId, cancellationToken: ct), ct);
        return admins.Select(a => a.User.Id).ToHashSet();
    }

    public async Task<bool> IsMemberAsync(long chatId, long userId, CancellationToken ct)
    {
        ChatMember member;
        try
        {
            member = await Retry("getChatMember", () => client.GetChatMember(chatId, userId, ct), ct);
        }
        catch (ApiRequestException ex) when (ex.ErrorCode == 400)
        {
            // "user not found", "PARTICIPANT_ID_INVALID": someone the group has never had.
            return false;
        }
        return member.Status is ChatMemberStatus.Creator or ChatMemberStatus.Administrator or ChatMemberStatus.Member
            || member is ChatMemberRestricted { IsMember: true };
    }

    public async Task<string> CreateInviteLinkAsync(long chatId, string name, CancellationToken ct)
    {
        var link = await Retry("createChatInviteLink", () => client.CreateChatInviteLink(chatId, name.Length > 32 ? name[..32] : name, cancellationToken: ct), ct);
        return link.InviteLink;
    }

    public Task SetCommandMenuAsync(IReadOnlyList<(string Name, string Description)> commands, string? languageCode, CancellationToken ct) =>
        Retry("setMyCommands", () => client.SetMyCommands(commands.Select(c => new BotCommand(c.Name, c.Description)),
            languageCode: languageCode, cancellationToken: ct), ct);

    public Task SetCommandMenuAsync(IReadOnlyList<(string Name, string Description)> commands, MenuScope scope, string? languageCode, CancellationToken ct) =>
        Retry("setMyCommands", () => client.SetMyCommands(commands.Select(c => new BotCommand(c.Name, c.Description)), scope switch
        {
            MenuScope.GroupAdmins => new BotCommandScopeAllChatAdministrators(),
            MenuScope.Private => new BotCommandScopeAllPrivateChats(),
            _ => new BotCommandScopeDefault(),
        }, languageCode, ct), ct);

    private static InlineKeyboardMarkup? Keyboard(IReadOnlyList<IReadOnlyList<Button>>? rows) =>
        rows is null or { Count: 0 } ? null
            : new InlineKeyboardMarkup(rows.Select(row => row.Select(b => InlineKeyboardButton.WithCallbackData(b.Text, b.Data))));

    /// <summary>Calls the API, waiting out 429s and retrying network and server errors a few times.</summary>
    private async Task<T> Retry<T>(string method, Func<Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (attempt < 5 && IsTransient(ex) && !ct.IsCancellationRequested)
            {
                await WaitAfter(method, ex, attempt, ct);
            }
        }
    }

    private async Task Retry(string method, Func<Task> call, CancellationToken ct) =>
        await Retry(method, async () => { await call(); return true; }, ct);

    private static bool IsTransient(Exception ex) => ex switch
    {
        ApiRequestException api => api.ErrorCode is 429 or >= 500,
        RequestException or HttpRequestException or TaskCanceledException => true,
        _ => false,
    };

    private async Task WaitAfter(string method, Exception ex, int attempt, CancellationToken ct)
    {
        TimeSpan delay;
        if (ex is ApiRequestException { ErrorCode: 429, Parameters.RetryAfter: { } retryAfter })
            delay = TimeSpan.FromSeconds(retryAfter);
        else
            // Spread by ±50 % (the injectable random source), so a restart of Telegram is not met by every retry at once.
            delay = TimeSpan.FromSeconds(Math.Min(options.Value.MaxBackoffSeconds,
                Math.Pow(2, Math.Min(attempt - 1, 16)) * (0.5 + Outbox.OutboxQueue.Jitter(entropy ?? new Games.Entropy()))));
        // Only the type and API description are logged: request exceptions can carry the URL, which holds the token.
        log.LogWarning("Telegram {Method} failed ({Error}: {Description}); retrying in {Delay}s", method, ex.GetType().Name,
            ex is ApiRequestException api ? api.Message : "network error", delay.TotalSeconds);
        await Task.Delay(delay, time, ct);
    }
}
