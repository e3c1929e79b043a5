using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GroupBot.Benchmarks;

/// <summary>Telegram's flood limits as the peer enforces them (token buckets; burst = bucket size).</summary>
public sealed record PeerLimits(
    double GlobalPerSecond = 30, double GlobalBurst = 30,
    double ChatPerSecond = 1, double ChatBurst = 3,
    double GroupPerMinute = 20, double GroupBurst = 20)
{
    public override string ToString() =>
        $"{GlobalPerSecond:0.##}/s overall (burst {GlobalBurst:0.##}), {ChatPerSecond:0.##}/s per chat (burst {ChatBurst:0.##}), " +
        $"{GroupPerMinute:0.##}/min per group (burst {GroupBurst:0.##})";
}

/// <summary>Faults injected into message-sending calls (sendMessage, sendPhoto, editMessageText); fractions of calls.</summary>
public sealed record PeerFaults(double ServerErrors = 0, double Timeouts = 0, double Drops = 0, TimeSpan Hold = default)
{
    public override string ToString() =>
        $"{ServerErrors:P1} 5xx, {Timeouts:P1} timeouts (delivered, answer held {Hold.TotalSeconds:0.#} s then dropped), {Drops:P1} dropped connections (not delivered)";
}

/// <summary>A message the peer accepted (it counts as delivered to the chat).</summary>
/// <param name="At">Stopwatch timestamp of acceptance</param>
/// <param name="AnswerHeld">a timeout fault: delivered, but the bot never got the answer</param>
/// <param name="Buttons">the callback_data of its inline keyboard, row by row (null: no keyboard)</param>
public sealed record AcceptedMessage(string Method, long ChatId, int MessageId, string Text, int? ReplyTo, long At, bool AnswerHeld,
    IReadOnlyList<string>? Buttons = null);

/// <summary>An answerCallbackQuery the peer received (it is never rate-limited, as on Telegram).</summary>
/// <param name="At">Stopwatch timestamp of arrival</param>
public sealed record CallbackAnswer(string CallbackId, string? Text, long At);

/// <summary>See <see cref="LoadPeer.AnswersTo"/>.</summary>
public sealed record PressAnswers(Dictionary<string, CallbackAnswer> First, int Duplicates, int Stray, List<double> LatenciesMs, double Seconds);

/// <summary>
/// A small, fast Telegram Bot API server for benchmarks, on Kestrel at 127.0.0.1 (a free port). Serves
/// /bot{token}/{method} for what GroupBot calls, queues updates the benchmark puts in (served by getUpdates with
/// long polling and Telegram's offset rules), enforces Telegram's flood limits with 429 + retry_after, injects
/// faults on request, and logs every accepted message so a run can count losses and duplicates.
/// </summary>
public sealed class LoadPeer : IAsyncDisposable
{
    public const long OwnerId = 1;
    private const int FirstBotMessageId = 100_000_000;
    private static readonly byte[] UpdatesHead = "{\"ok\":true,\"result\":["u8.ToArray();
    private static readonly byte[] UpdatesTail = "]}"u8.ToArray();

    private readonly string _token;
    private readonly long _botId;
    private readonly WebApplication _app;
    private readonly Lock _updatesLock = new();
    private readonly List<QueuedUpdate> _updates = [];
    private int _head; // _updates[.._head] are confirmed (offset moved past them)
    private readonly Dictionary<(long Chat, int Message), long> _servedAt = [];
    private readonly Dictionary<string, long> _callbackServedAt = [];
    private TaskCompletionSource _updatesArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pollGeneration;
    private int _nextUpdateId = 1;
    private int _nextUserMessageId = 1;
    private int _nextBotMessageId = FirstBotMessageId;
    private long _nextCallbackId = 1;

    private readonly Lock _limitsLock = new();
    private readonly Dictionary<long, Bucket> _chatBuckets = [];
    private readonly Dictionary<long, Bucket> _groupBuckets = [];
    private Bucket? _globalBucket;
    private PeerLimits? _limits;

    private readonly Lock _faultLock = new();
    private Random _random = new(7);

    private readonly Lock _logLock = new();
    private readonly List<AcceptedMessage> _accepted = [];
    private readonly List<CallbackAnswer> _callbackAnswers = [];
    private long _replies, _requests, _rateLimited, _serverErrors, _timeouts, _drops, _adminCalls, _getUpdatesCalls;

    private LoadPeer(string token, WebApplication app)
    {
        _token = token;
        _botId = long.Parse(token[..token.IndexOf(':')]);
        _app = app;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>Null: no flood limits (inbound runs measure the bot, not Telegram).</summary>
    public PeerLimits? Limits
    {
        get { lock (_limitsLock) return _limits; }
        set
        {
            lock (_limitsLock)
            {
                _limits = value;
                _chatBuckets.Clear();
                _groupBuckets.Clear();
                _globalBucket = null;
            }
        }
    }

    public PeerFaults Faults { get; set; } = new();

    /// <summary>
    /// A round trip to Telegram for the message methods: half on the way in (before the limits count the message),
    /// half on the way back, each ±25 % at random. Zero: answer at once, as loopback does.
    /// </summary>
    public TimeSpan Latency { get; set; }

    private Task Travel()
    {
        if (Latency <= TimeSpan.Zero) return Task.CompletedTask;
        double jitter;
        lock (_faultLock) jitter = 0.75 + _random.NextDouble() * 0.5;
        return Task.Delay(Latency / 2 * jitter);
    }

    private int NextUpdateId() => _nextUpdateId++;

    /// <summary>Seeds the fault dice so a run can be repeated.</summary>
    public void SeedFaults(int seed)
    {
        lock (_faultLock) _random = new Random(seed);
    }

    public long Requests => Interlocked.Read(ref _requests);
    /// <summary>Accepted messages that reply to another (the bot's answers to commands).</summary>
    public long Replies => Interlocked.Read(ref _replies);
    public long RateLimited => Interlocked.Read(ref _rateLimited);
    public long ServerErrorsInjected => Interlocked.Read(ref _serverErrors);
    public long TimeoutsInjected => Interlocked.Read(ref _timeouts);
    public long DropsInjected => Interlocked.Read(ref _drops);
    public long AdminCalls => Interlocked.Read(ref _adminCalls);
    public long GetUpdatesCalls => Interlocked.Read(ref _getUpdatesCalls);

    public static async Task<LoadPeer> StartAsync(string token, PeerLimits? limits = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.AddServerHeader = false;
            o.Limits.MaxRequestBodySize = 20 * 1024 * 1024;
        });
        var app = builder.Build();
        var peer = new LoadPeer(token, app) { Limits = limits };
        app.Run(peer.Handle);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        peer.BaseUrl = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync();
    }

    // ---------------------------------------------------------------- the benchmark's side

    /// <summary>Queues a text message from a user in a chat (a command gets its bot_command entity). Returns its message id.</summary>
    public int EnqueueMessage(long chatId, string title, long userId, string userName, string text)
    {
        lock (_updatesLock)
        {
            var messageId = _nextUserMessageId++;
            var id = NextUpdateId();
            var json = Json(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("update_id", id);
                w.WriteStartObject("message");
                w.WriteNumber("message_id", messageId);
                WriteUser(w, "from", userId, userName, "u" + userId, false);
                WriteChat(w, chatId, title);
                w.WriteNumber("date", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                w.WriteString("text", text);
                if (text.StartsWith('/'))
                {
                    var length = text.IndexOf(' ') is var sp and > 0 ? sp : text.Length;
                    w.WriteStartArray("entities");
                    w.WriteStartObject();
                    w.WriteNumber("offset", 0);
                    w.WriteNumber("length", length);
                    w.WriteString("type", "bot_command");
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            });
            Add(new QueuedUpdate(id, json, chatId, messageId));
            return messageId;
        }
    }

    /// <summary>Queues a my_chat_member update: the bot was added to a group by <see cref="OwnerId"/>.</summary>
    public void EnqueueBotAdded(long chatId, string title)
    {
        lock (_updatesLock)
        {
            var id = NextUpdateId();
            var json = Json(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("update_id", id);
                w.WriteStartObject("my_chat_member");
                WriteChat(w, chatId, title);
                WriteUser(w, "from", OwnerId, "Owner", "owner", false);
                w.WriteNumber("date", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                w.WriteStartObject("old_chat_member");
                w.WriteString("status", "left");
                WriteUser(w, "user", _botId, "Bench Bot", "bench_bot", true);
                w.WriteEndObject();
                w.WriteStartObject("new_chat_member");
                w.WriteString("status", "member");
                WriteUser(w, "user", _botId, "Bench Bot", "bench_bot", true);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            });
            Add(new QueuedUpdate(id, json, chatId, 0));
        }
    }

    /// <summary>
    /// Queues a callback_query: <paramref name="userId"/> pressed a button with <paramref name="data"/> under the bot's
    /// message <paramref name="messageId"/> in a chat. Returns the callback query's id (what answerCallbackQuery names).
    /// </summary>
    public string EnqueueCallback(long chatId, string title, long userId, string userName, int messageId, string data)
    {
        lock (_updatesLock)
        {
            var callbackId = (_nextCallbackId++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var id = NextUpdateId();
            var json = Json(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("update_id", id);
                w.WriteStartObject("callback_query");
                w.WriteString("id", callbackId);
                WriteUser(w, "from", userId, userName, "u" + userId, false);
                w.WriteStartObject("message");
                w.WriteNumber("message_id", messageId);
                WriteUser(w, "from", _botId, "Bench Bot", "bench_bot", true);
                WriteChat(w, chatId, title);
                w.WriteNumber("date", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                w.WriteString("text", "…");
                w.WriteEndObject();
                w.WriteString("chat_instance", "ci" + chatId);
                w.WriteString("data", data);
                w.WriteEndObject();
                w.WriteEndObject();
            });
            Add(new QueuedUpdate(id, json, chatId, 0, callbackId));
            return callbackId;
        }
    }

    /// <summary>When the update carrying this callback query was first handed to the bot (Stopwatch timestamp), if it was.</summary>
    public long? CallbackServedAt(string callbackId)
    {
        lock (_updatesLock) return _callbackServedAt.TryGetValue(callbackId, out var t) ? t : null;
    }

    /// <summary>Every answerCallbackQuery received, in arrival order (repeats included).</summary>
    public List<CallbackAnswer> CallbackAnswers()
    {
        lock (_logLock) return [.. _callbackAnswers];
    }

    /// <summary>
    /// What became of these presses: the first answer to each, answers repeated, answers to other ids, and each answered
    /// press's latency (served → answer, sorted) with the span from the first served to the last answer.
    /// </summary>
    public PressAnswers AnswersTo(IReadOnlySet<string> presses)
    {
        var first = new Dictionary<string, CallbackAnswer>();
        int duplicates = 0, stray = 0;
        foreach (var a in CallbackAnswers())
        {
            if (!presses.Contains(a.CallbackId)) stray++;
            else if (!first.TryAdd(a.CallbackId, a)) duplicates++;
        }
        var latencies = new List<double>(first.Count);
        long start = long.MaxValue, end = 0;
        foreach (var (id, a) in first)
        {
            if (CallbackServedAt(id) is not { } served) continue;
            latencies.Add(Measure.Ms(served, a.At));
            start = Math.Min(start, served);
            end = Math.Max(end, a.At);
        }
        latencies.Sort();
        return new PressAnswers(first, duplicates, stray, latencies, end > start ? Measure.Seconds(start, end) : 0);
    }

    public int CallbackAnswerCount
    {
        get { lock (_logLock) return _callbackAnswers.Count; }
    }

    /// <summary>Updates queued and not yet confirmed by the bot (through getUpdates' offset).</summary>
    public int UnconfirmedUpdates
    {
        get { lock (_updatesLock) return _updates.Count - _head; }
    }

    /// <summary>When the update carrying this message was first handed to the bot (Stopwatch timestamp), if it was.</summary>
    public long? ServedAt(long chatId, int messageId)
    {
        lock (_updatesLock) return _servedAt.TryGetValue((chatId, messageId), out var t) ? t : null;
    }

    public List<AcceptedMessage> Accepted()
    {
        lock (_logLock) return [.. _accepted];
    }

    public int AcceptedCount
    {
        get { lock (_logLock) return _accepted.Count; }
    }

    /// <summary>Forgets the message log and the counters (after a warm-up).</summary>
    public void ResetStats()
    {
        lock (_logLock)
        {
            _accepted.Clear();
            _callbackAnswers.Clear();
        }
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _replies, 0);
        Interlocked.Exchange(ref _rateLimited, 0);
        Interlocked.Exchange(ref _serverErrors, 0);
        Interlocked.Exchange(ref _timeouts, 0);
        Interlocked.Exchange(ref _drops, 0);
        Interlocked.Exchange(ref _adminCalls, 0);
        Interlocked.Exchange(ref _getUpdatesCalls, 0);
    }

    private void Add(QueuedUpdate update)
    {
        _updates.Add(update);
        _updatesArrived.TrySetResult();
    }

    // ---------------------------------------------------------------- the bot's side

    private async Task Handle(HttpContext ctx)
    {
        Interlocked.Increment(ref _requests);
        var path = ctx.Request.Path.Value ?? "";
        var slash = path.IndexOf('/', 1);
        if (!path.StartsWith("/bot", StringComparison.Ordinal) || slash < 0)
        {
            await Error(ctx, 404, "Not Found");
            return;
        }
        if (path[4..slash] != _token)
        {
            await Error(ctx, 401, "Unauthorized");
            return;
        }
        var method = path[(slash + 1)..].ToLowerInvariant();
        Args args;
        try
        {
            args = await Args.Read(ctx.Request);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or BadHttpRequestException)
        {
            await Error(ctx, 400, "Bad Request: can't parse request: " + ex.Message);
            return;
        }
        switch (method)
        {
            case "getme":
                await Ok(ctx, w => WriteUserObject(w, _botId, "Bench Bot", "bench_bot", true, me: true));
                break;
            case "getupdates":
                await GetUpdates(ctx, args);
                break;
            case "sendmessage":
            case "sendphoto":
            case "editmessagetext":
                await SendLike(ctx, method, args);
                break;
            case "answercallbackquery":
                // Not rate-limited (Telegram counts only messages); logged so a run can measure press → answer.
                if (args.String("callback_query_id") is not { Length: > 0 } callbackId)
                {
                    await Error(ctx, 400, "Bad Request: query ID is invalid");
                    return;
                }
                lock (_logLock) _callbackAnswers.Add(new CallbackAnswer(callbackId, args.String("text"), Stopwatch.GetTimestamp()));
                await Ok(ctx, w => w.WriteBooleanValue(true));
                break;
            case "deletemessage":
            case "setmycommands":
            case "deletemycommands":
            case "deletewebhook":
            case "setwebhook":
            case "leavechat":
            case "sendchataction":
                await Ok(ctx, w => w.WriteBooleanValue(true));
                break;
            case "getchatadministrators":
                Interlocked.Increment(ref _adminCalls);
                await Ok(ctx, w =>
                {
                    w.WriteStartArray();
                    w.WriteStartObject();
                    w.WriteString("status", "creator");
                    WriteUser(w, "user", OwnerId, "Owner", "owner", false);
                    w.WriteBoolean("is_anonymous", false);
                    w.WriteEndObject();
                    w.WriteEndArray();
                });
                break;
            default:
                await Error(ctx, 404, "Not Found: method not found");
                break;
        }
    }

    private async Task GetUpdates(HttpContext ctx, Args args)
    {
        Interlocked.Increment(ref _getUpdatesCalls);
        var offset = args.Long("offset");
        var limit = (int)Math.Clamp(args.Long("limit") ?? 100, 1, 100);
        var timeout = TimeSpan.FromSeconds(Math.Clamp(args.Long("timeout") ?? 0, 0, 50));
        int generation;
        lock (_updatesLock)
        {
            generation = ++_pollGeneration;
            _updatesArrived.TrySetResult(); // wakes an older poll, which then answers 409 as Telegram does
        }
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task arrived = Task.CompletedTask;
            List<byte[]>? batch = null;
            var superseded = false;
            lock (_updatesLock)
            {
                if (generation != _pollGeneration) superseded = true;
                else
                {
                    if (offset is > 0 and var o)
                    {
                        // Telegram: an offset confirms every update below it; they are never served again.
                        while (_head < _updates.Count && _updates[_head].Id < o) _head++;
                        if (_head > 4096 && _head * 2 > _updates.Count)
                        {
                            _updates.RemoveRange(0, _head);
                            _head = 0;
                        }
                    }
                    var start = _head;
                    if (offset is < 0 and var back) start = Math.Max(_head, _updates.Count + (int)back);
                    var end = Math.Min(_updates.Count, start + limit);
                    if (end > start)
                    {
                        var now = Stopwatch.GetTimestamp();
                        batch = new List<byte[]>(end - start);
                        for (var i = start; i < end; i++)
                        {
                            var u = _updates[i];
                            batch.Add(u.Json);
                            if (u.MessageId != 0) _servedAt.TryAdd((u.ChatId, u.MessageId), now);
                            if (u.CallbackId is not null) _callbackServedAt.TryAdd(u.CallbackId, now);
                        }
                    }
                    if (_updatesArrived.Task.IsCompleted) _updatesArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    arrived = _updatesArrived.Task;
                }
            }
            if (superseded)
            {
                await Error(ctx, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
                return;
            }
            var left = deadline - Stopwatch.GetTimestamp();
            if (batch is not null || left <= 0 || ctx.RequestAborted.IsCancellationRequested)
            {
                await WriteUpdates(ctx, batch ?? []);
                return;
            }
            try
            {
                await arrived.WaitAsync(TimeSpan.FromSeconds(Math.Min(left / (double)Stopwatch.Frequency, 1.0)), ctx.RequestAborted);
            }
            catch (TimeoutException)
            {
                // re-check: a newer poll may have replaced this one
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task WriteUpdates(HttpContext ctx, List<byte[]> batch)
    {
        var length = UpdatesHead.Length + UpdatesTail.Length + batch.Sum(b => b.Length) + Math.Max(0, batch.Count - 1);
        var body = new byte[length];
        var at = 0;
        UpdatesHead.CopyTo(body, at);
        at += UpdatesHead.Length;
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0) body[at++] = (byte)',';
            batch[i].CopyTo(body, at);
            at += batch[i].Length;
        }
        UpdatesTail.CopyTo(body, at);
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    private async Task SendLike(HttpContext ctx, string method, Args args)
    {
        await Travel();
        if (args.Long("chat_id") is not { } chatId)
        {
            await Error(ctx, 400, "Bad Request: chat_id is empty");
            return;
        }
        var text = (method == "sendphoto" ? args.String("caption") : args.String("text")) ?? "";
        if (method != "sendphoto" && text.Length == 0)
        {
            await Error(ctx, 400, "Bad Request: message text is empty");
            return;
        }
        if (text.Length > (method == "sendphoto" ? 1024 : 4096))
        {
            await Error(ctx, 400, method == "sendphoto" ? "Bad Request: message caption is too long" : "Bad Request: message is too long");
            return;
        }
        var editedId = method == "editmessagetext" ? (int?)args.Long("message_id") : null;
        if (method == "editmessagetext" && editedId is null)
        {
            await Error(ctx, 400, "Bad Request: message identifier is not specified");
            return;
        }
        var replyTo = (int?)(args.Object("reply_parameters")?.Long("message_id") ?? args.Long("reply_to_message_id"));

        var faults = Faults;
        double roll;
        lock (_faultLock) roll = _random.NextDouble();
        if (roll < faults.Drops)
        {
            Interlocked.Increment(ref _drops);
            // Part of an answer, then a reset: the client cannot silently resend, it must see the failure.
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength = 200;
            await ctx.Response.Body.WriteAsync("{\"ok\":tr"u8.ToArray());
            await ctx.Response.Body.FlushAsync();
            ctx.Abort();
            return;
        }
        if (roll < faults.Drops + faults.ServerErrors)
        {
            Interlocked.Increment(ref _serverErrors);
            await Error(ctx, 502, "Bad Gateway");
            return;
        }
        if (Throttle(chatId) is { } retryAfter)
        {
            Interlocked.Increment(ref _rateLimited);
            ctx.Response.StatusCode = 429;
            await Write(ctx, w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("ok", false);
                w.WriteNumber("error_code", 429);
                w.WriteString("description", $"Too Many Requests: retry after {retryAfter}");
                w.WriteStartObject("parameters");
                w.WriteNumber("retry_after", retryAfter);
                w.WriteEndObject();
                w.WriteEndObject();
            });
            return;
        }
        var held = roll < faults.Drops + faults.ServerErrors + faults.Timeouts;
        var messageId = editedId ?? Interlocked.Increment(ref _nextBotMessageId);
        var buttons = args.CallbackData("reply_markup");
        lock (_logLock) _accepted.Add(new AcceptedMessage(method, chatId, messageId, text, replyTo, Stopwatch.GetTimestamp(), held, buttons));
        if (replyTo is not null) Interlocked.Increment(ref _replies);
        if (held)
        {
            Interlocked.Increment(ref _timeouts);
            // Delivered, but the answer never comes: hold past the client's timeout, then drop the connection.
            try
            {
                await Task.Delay(faults.Hold, ctx.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
            ctx.Abort();
            return;
        }
        await Travel();
        await Ok(ctx, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("message_id", messageId);
            WriteUser(w, "from", _botId, "Bench Bot", "bench_bot", true);
            WriteChat(w, chatId, null);
            w.WriteNumber("date", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            if (method == "editmessagetext") w.WriteNumber("edit_date", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            if (method == "sendphoto")
            {
                w.WriteStartArray("photo");
                w.WriteStartObject();
                w.WriteString("file_id", "photo" + messageId);
                w.WriteString("file_unique_id", "uphoto" + messageId);
                w.WriteNumber("width", 800);
                w.WriteNumber("height", 800);
                w.WriteEndObject();
                w.WriteEndArray();
                if (text.Length > 0) w.WriteString("caption", text);
            }
            else w.WriteString("text", text);
            w.WriteEndObject();
        });
    }

    /// <summary>Null when the message may go; else whole seconds to wait (at least 1), as Telegram's retry_after.</summary>
    private int? Throttle(long chatId)
    {
        lock (_limitsLock)
        {
            if (_limits is not { } l) return null;
            var now = Stopwatch.GetTimestamp();
            var global = _globalBucket ??= new Bucket(l.GlobalBurst, l.GlobalPerSecond, now);
            if (!_chatBuckets.TryGetValue(chatId, out var chat)) _chatBuckets[chatId] = chat = new Bucket(l.ChatBurst, l.ChatPerSecond, now);
            Bucket? group = null;
            if (chatId < 0 && !_groupBuckets.TryGetValue(chatId, out group)) _groupBuckets[chatId] = group = new Bucket(l.GroupBurst, l.GroupPerMinute / 60.0, now);
            var wait = Math.Max(global.Wait(now), Math.Max(chat.Wait(now), group?.Wait(now) ?? 0));
            if (wait > 0) return Math.Max(1, (int)Math.Ceiling(wait));
            global.Take();
            chat.Take();
            group?.Take();
            return null;
        }
    }

    private sealed class Bucket(double capacity, double perSecond, long now)
    {
        private readonly double _capacity = capacity;
        private double _tokens = capacity;
        private long _at = now;

        /// <summary>Seconds until one token is there (0: now).</summary>
        public double Wait(long now)
        {
            if (now > _at)
            {
                _tokens = Math.Min(_capacity, _tokens + (now - _at) / (double)Stopwatch.Frequency * perSecond);
                _at = now;
            }
            return _tokens >= 1 ? 0 : (1 - _tokens) / perSecond;
        }

        public void Take() => _tokens -= 1;
    }

    // ---------------------------------------------------------------- JSON

    private static Task Ok(HttpContext ctx, Action<Utf8JsonWriter> result) => Write(ctx, w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("ok", true);
        w.WritePropertyName("result");
        result(w);
        w.WriteEndObject();
    });

    private static Task Error(HttpContext ctx, int code, string description)
    {
        ctx.Response.StatusCode = code;
        return Write(ctx, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", false);
            w.WriteNumber("error_code", code);
            w.WriteString("description", description);
            w.WriteEndObject();
        });
    }

    private static async Task Write(HttpContext ctx, Action<Utf8JsonWriter> write)
    {
        var body = Json(write);
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        try
        {
            await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(w);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteUser(Utf8JsonWriter w, string property, long id, string firstName, string? username, bool isBot)
    {
        w.WritePropertyName(property);
        WriteUserObject(w, id, firstName, username, isBot);
    }

    private static void WriteUserObject(Utf8JsonWriter w, long id, string firstName, string? username, bool isBot, bool me = false)
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteBoolean("is_bot", isBot);
        w.WriteString("first_name", firstName);
        if (username is not null) w.WriteString("username", username);
        if (me)
        {
            w.WriteBoolean("can_join_groups", true);
            w.WriteBoolean("can_read_all_group_messages", false);
            w.WriteBoolean("supports_inline_queries", false);
        }
        w.WriteEndObject();
    }

    private static void WriteChat(Utf8JsonWriter w, long chatId, string? title)
    {
        w.WriteStartObject("chat");
        w.WriteNumber("id", chatId);
        if (chatId > 0)
        {
            w.WriteString("type", "private");
            w.WriteString("first_name", title ?? "User " + chatId);
        }
        else
        {
            // Supergroup ids are -100…; smaller negative ids are basic groups.
            w.WriteString("type", chatId <= -1_000_000_000_000 ? "supergroup" : "group");
            w.WriteString("title", title ?? "Group " + chatId);
        }
        w.WriteEndObject();
    }

    private sealed record QueuedUpdate(int Id, byte[] Json, long ChatId, int MessageId, string? CallbackId = null);

    /// <summary>A request's parameters: JSON body (what Telegram.Bot sends), form or multipart, or the query string.</summary>
    private sealed class Args
    {
        private readonly JsonElement? _json;
        private readonly Dictionary<string, string> _form;

        private Args(JsonElement? json, Dictionary<string, string> form) => (_json, _form) = (json, form);

        public static async Task<Args> Read(HttpRequest request)
        {
            var form = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
            if (request.HasFormContentType)
            {
                var f = await request.ReadFormAsync();
                foreach (var (k, v) in f) form[k] = v.ToString();
                return new Args(null, form);
            }
            if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
            {
                using var doc = await JsonDocument.ParseAsync(request.Body);
                return new Args(doc.RootElement.Clone(), form);
            }
            return new Args(null, form);
        }

        private static Args Of(JsonElement e) => new(e, []);

        public long? Long(string name)
        {
            if (_json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty(name, out var p))
            {
                if (p.ValueKind == JsonValueKind.Number && p.TryGetInt64(out var n)) return n;
                if (p.ValueKind == JsonValueKind.String && long.TryParse(p.GetString(), out n)) return n;
                return null;
            }
            return _form.TryGetValue(name, out var s) && long.TryParse(s, out var v) ? v : null;
        }

        public string? String(string name)
        {
            if (_json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty(name, out var p))
                return p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText();
            return _form.GetValueOrDefault(name);
        }

        /// <summary>The callback_data of an inline keyboard (reply_markup.inline_keyboard), row by row; null without one.</summary>
        public List<string>? CallbackData(string name)
        {
            if (Object(name)?._json is not { ValueKind: JsonValueKind.Object } markup
                || !markup.TryGetProperty("inline_keyboard", out var rows) || rows.ValueKind != JsonValueKind.Array) return null;
            var data = new List<string>();
            foreach (var row in rows.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array) continue;
                foreach (var button in row.EnumerateArray())
                    if (button.ValueKind == JsonValueKind.Object && button.TryGetProperty("callback_data", out var d) && d.ValueKind == JsonValueKind.String)
                        data.Add(d.GetString()!);
            }
            return data;
        }

        public Args? Object(string name)
        {
            if (_json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Object) return Of(p);
            if (_form.TryGetValue(name, out var s) && s.StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(Encoding.UTF8.GetBytes(s));
                return Of(doc.RootElement.Clone());
            }
            return null;
        }
    }
}
