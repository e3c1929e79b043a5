using GroupBot.Chat;
using GroupBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Outbox;

/// <summary>
/// Every outgoing action of every feature is written in the event's unit of work and handed to the sender only once
/// that unit is durable. The sender keeps a lane per chat (messages in order, never two in flight for one chat) and a
/// queue of lanes by the time their next item may go, so picking is O(log n) however many items wait; up to
/// MaxInFlight requests run at once. A deletion keeps its place in the chat's order but spends none of its message
/// budget. Button answers are not messages: they go out as soon as their unit is durable, outside the lanes and the
/// limits, so a press is answered even while its group's messages wait.
/// A send's result (the item gone, or kept a day when keyed; the message id recorded under its tag) is one write.
/// </summary>
public sealed class OutboxQueue : BackgroundService
{
    private readonly Database _db;
    private readonly Table<long, OutboxItem> _items;
    private readonly IChatAdapter _adapter;
    private readonly SentMessages _sent;
    private readonly TimeProvider _time;
    private readonly OutboxOptions _options;
    private readonly ILogger<OutboxQueue> _log;
    private readonly RateLimiter _limiter;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Lane> _lanes = [];
    // By time, then by order of scheduling: lanes due at the same moment go first come, first served.
    private readonly PriorityQueue<Lane, (DateTimeOffset At, long Seq)> _ready = new();
    private long _readySeq;
    private readonly Dictionary<long, int> _pendingOfChat = [];
    private readonly Dictionary<long, List<TaskCompletionSource>> _idleWaiters = [];
    private readonly HashSet<Task> _sending = [];
    private readonly SemaphoreSlim _answerSlots = new(32);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _pending;
    private int _sentSinceCleanup;

    private readonly Operations.BotMetrics? _metrics;
    private readonly Games.Entropy _entropy;

    public OutboxQueue(Database db, IChatAdapter adapter, SentMessages sent, TimeProvider time, IOptions<OutboxOptions> options, ILogger<OutboxQueue> log,
        Operations.BotMetrics? metrics = null, Games.Entropy? entropy = null)
    {
        _metrics = metrics;
        _entropy = entropy ?? new Games.Entropy();
        _db = db;
        _adapter = adapter;
        _sent = sent;
        _time = time;
        _options = options.Value;
        _log = log;
        _limiter = new RateLimiter(_options);
        _items = db.Table<long, OutboxItem>("outbox", i => i.Id, (i, id) => i.Id = id)
            .Index("Key", i => i.Key)
            .Index("Pending", i => i.State == OutboxItem.Pending ? true : null);
        Release(_items.Where("Pending", true).OrderBy(i => i.Id).ToList());
    }

    /// <summary>
    /// A chat answered that it is gone for good (403, or 400 "chat not found"): raised inside the unit that records the
    /// failed send, so what the handler writes (the group marked inactive) commits with it.
    /// </summary>
    public event Action<long, string>? ChatGone;

    /// <summary>The backlog by state, for /status: waiting for their turn, retrying after an error, chats held by a 429.</summary>
    public (int Waiting, int Retrying, int ChatsOn429) Backlog()
    {
        var pending = _items.Where("Pending", true);
        var retrying = pending.Count(i => i.Attempts > 0);
        lock (_lock) return (pending.Count - retrying, retrying, _limiter.PausedChats(_time.GetUtcNow()));
    }

    /// <summary>The chats a 429 holds back now, and until when (the same holds /status counts).</summary>
    public List<(long ChatId, DateTimeOffset Until)> HeldBy429()
    {
        lock (_lock) return _limiter.PausedUntil(_time.GetUtcNow());
    }

    /// <summary>An item is done with (sent, given up or refused), inside the unit that records it: the operators' summaries follow it.</summary>
    public event Action<OutboxItem>? Finished;

    /// <summary>Items waiting to be sent (in the lanes or under way).</summary>
    public int PendingCount
    {
        get { lock (_lock) return _pending; }
    }

    /// <summary>
    /// Writes actions to send in the current unit (or in a unit of its own when there is none); they go out once it is
    /// durable. A keyed action already accepted is skipped. Returns how many were new.
    /// </summary>
    /// <param name="byUser">whose message or press these answer (the chat's turns are per user); null for the bot's own</param>
    public int Enqueue(IEnumerable<ChatAction> actions, Func<ChatAction, string?>? keyOf = null, long? byUser = null)
    {
        if (Unit.Current is null) return _db.Write(() => Enqueue(actions, keyOf, byUser));
        var unit = Unit.Current;
        var now = _time.GetUtcNow().UtcDateTime;
        var fresh = new List<OutboxItem>();
        var answers = new List<AnswerButton>();
        foreach (var action in actions)
        {
            if (action is AnswerButton answer)
            {
                answers.Add(answer with { Text = CleanText.OfNullable(answer.Text) });
                continue;
            }
            var baseKey = keyOf?.Invoke(action);
            var parts = Parts(action);
            for (var i = 0; i < parts.Count; i++)
            {
                var item = OutboxItem.From(parts[i], now, baseKey is null ? null : i == 0 ? baseKey : $"{baseKey}#{i + 1}");
                item.ByUser = byUser;
                if (item.Key is { } key && _items.FirstWhere("Key", key) is not null) continue;
                _items.Insert(item);
                fresh.Add(item);
            }
        }
        if (fresh.Count > 0) unit.AfterCommit(() => Release(fresh));
        if (answers.Count > 0) unit.AfterCommit(() => { foreach (var a in answers) Answer(a); });
        return fresh.Count + answers.Count;
    }

    public bool Contains(string key) => _items.FirstWhere("Key", key) is not null;

    /// <summary>Every stored item (waiting, under way, failed, and keyed items kept after sending): the console's outbox page.</summary>
    public IReadOnlyList<OutboxItem> Items() => _items.All();
    /// <summary>
    /// A photo whose caption is over Telegram's limit becomes the photo (first part, no buttons) and follow-up messages
    /// (the buttons on the last), each an item of its own in the chat's order: a 429 or an error on a follow-up retries
    /// that message only, never the photo again.
    /// </summary>
    private static IReadOnlyList<ChatAction> Parts(ChatAction action)
    {
        if (action is not SendPhoto photo || photo.Caption.Length <= TelegramText.CaptionLimit) return [action];
        var parts = TelegramText.Split(CleanText.Of(photo.Caption), TelegramText.CaptionLimit, TelegramText.MessageLimit);
        if (parts.Count <= 1) return [action];
        var list = new List<ChatAction> { photo with { Caption = parts[0], Buttons = null } };
        for (var i = 1; i < parts.Count; i++)
            list.Add(new SendText(photo.ChatId, parts[i], i == parts.Count - 1 ? photo.Buttons : null, Html: true));
        return list;
    }

    /// <summary>Completes when nothing is left to send to this chat (the local chat waits for it between lines).</summary>
    public Task WhenIdle(long chatId)
    {
        lock (_lock)
        {
            if (_pendingOfChat.GetValueOrDefault(chatId) == 0) return Task.CompletedTask;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_idleWaiters.TryGetValue(chatId, out var list)) _idleWaiters[chatId] = list = [];
            list.Add(waiter);
            return waiter.Task;
        }
    }

    private void Release(List<OutboxItem> items)
    {
        if (items.Count == 0) return;
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            foreach (var item in items)
            {
                if (!_lanes.TryGetValue(item.ChatId, out var lane)) _lanes[item.ChatId] = lane = new Lane(item.ChatId);
                lane.Add(item);
                _pending++;
                _pendingOfChat[item.ChatId] = _pendingOfChat.GetValueOrDefault(item.ChatId) + 1;
                Schedule(lane, now);
            }
            _wake.TrySetResult();
        }
    }

    /// <summary>Puts a lane in the ready queue unless it is there already or busy (caller holds the lock).</summary>
    private void Schedule(Lane lane, DateTimeOffset at)
    {
        if (lane.Scheduled || lane.Busy || lane.Count == 0) return;
        lane.Scheduled = true;
        _ready.Enqueue(lane, (at, ++_readySeq));
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var wait = StartDueSends(ct);
                Task wake;
                lock (_lock)
                {
                    wake = _wake.Task;
                }
                try
                {
                    await (wait is { } w ? Task.WhenAny(wake, Task.Delay(w, _time, ct)) : wake.WaitAsync(ct));
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            // Nothing may touch the store after the host disposes it: let the sends under way finish or cancel.
            Task[] sending;
            lock (_lock) sending = [.. _sending];
            await Task.WhenAll(sending);
        }
    }

    /// <summary>Starts every send that may go now; returns how long until the next may (null: wait for a wake-up).</summary>
    private TimeSpan? StartDueSends(CancellationToken ct)
    {
        lock (_lock)
        {
            if (_wake.Task.IsCompleted) _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            while (_inFlight < _options.MaxInFlight && _ready.TryPeek(out var lane, out var priority))
            {
                var at = priority.At;
                var now = _time.GetUtcNow();
                if (at > now) return at - now;
                // The overall budget is the same for every lane: wait for it without touching the queue.
                var global = _limiter.GlobalWait(now);
                if (global > TimeSpan.Zero) return global;
                _ready.Dequeue();
                lane.Scheduled = false;
                if (lane.Count == 0) continue;
                var item = lane.Head();
                var wait = _limiter.WaitFor(item.ChatId, item.IsMessage, now);
                var due = new DateTimeOffset(DateTime.SpecifyKind(item.NextUtc, DateTimeKind.Utc)) - now;
                if (due > wait) wait = due;
                if (wait > TimeSpan.Zero)
                {
                    Schedule(lane, now + wait);
                    continue;
                }
                _limiter.Take(item.ChatId, item.IsMessage, now);
                lane.Busy = true;
                _inFlight++;
                var send = SendAndRelease(lane, item, ct);
                _sending.Add(send);
                _ = send.ContinueWith(t => { lock (_lock) _sending.Remove(t); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            return null;
        }
    }

    private async Task SendAndRelease(Lane lane, OutboxItem item, CancellationToken ct)
    {
        await Task.Yield(); // the picking loop goes on while this request is under way
        var done = false;
        try
        {
            done = await Send(item, ct);
        }
        finally
        {
            lock (_lock)
            {
                lane.Busy = false;
                _inFlight--;
                if (done)
                {
                    lane.Done();
                    _pending--;
                    Done(lane.Chat); // the chat it was counted under (a migrated item now names the new one)
                }
                if (lane.Count == 0) _lanes.Remove(lane.Chat);
                else Schedule(lane, _time.GetUtcNow());
                _wake.TrySetResult();
            }
        }
    }

    /// <summary>One thing less to do for a chat; wakes whoever waits for the chat to be idle (caller holds the lock).</summary>
    private void Done(long chatId)
    {
        var left = _pendingOfChat[chatId] - 1;
        if (left > 0)
        {
            _pendingOfChat[chatId] = left;
            return;
        }
        _pendingOfChat.Remove(chatId);
        if (_idleWaiters.Remove(chatId, out var waiters))
            foreach (var w in waiters) w.TrySetResult();
    }

    /// <summary>How long a send under way may still take once the bot is stopping.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    /// <summary>Sends one item; true when it is done with (sent, or given up), false when it stays first in its lane.</summary>
    private async Task<bool> Send(OutboxItem item, CancellationToken ct)
    {
        // A send under way is let finish when the bot stops: cut off, it may already have reached Telegram and
        // would then go out a second time after the restart. Only a send that hangs past the grace is cut.
        using var finish = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        await using var onStop = ct.Register(() => finish.CancelAfter(StopGrace));
        ct = finish.Token;
        try
        {
            var id = await _adapter.PerformAsync(item.ToAction(), ct);
            _metrics?.Sent(item.Kind);
            Finish(item, OutboxItem.Sent, null, id);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (ChatApiException ex) when (ex.RetryAfter is { } retryAfter)
        {
            // Flood control: this chat waits exactly what Telegram asked; the item keeps its place.
            lock (_lock) _limiter.Pause(item.ChatId, _time.GetUtcNow() + retryAfter);
            _metrics?.RateLimited();
            _log.LogWarning("429 for chat {ChatId}: waiting {Seconds}s", item.ChatId, retryAfter.TotalSeconds);
            return false;
        }
        catch (ChatApiException ex) when (ex.MigrateTo is { } newChat && newChat != item.ChatId)
        {
            // The group became a supergroup: this item and everything else waiting for the old id go to the new one.
            _log.LogInformation("Chat {ChatId} moved to {NewChatId}: sending there", item.ChatId, newChat);
            Retarget(item, newChat);
            return false;
        }
        catch (Exception ex) when (ex is ChatApiException { Transient: true } or HttpRequestException or TimeoutException or TaskCanceledException)
        {
            item.Attempts++;
            if (item.Attempts >= _options.MaxAttempts)
            {
                _log.LogError("Giving up {Kind} to chat {ChatId} after {Attempts} tries: {Error}", item.Kind, item.ChatId, item.Attempts, ex.Message);
                _metrics?.Failed(item.Kind);
                Finish(item, OutboxItem.Failed, ex.Message, null);
                return true;
            }
            _metrics?.Retried();
            item.NextUtc = _time.GetUtcNow().UtcDateTime + Backoff(item.Attempts, _entropy);
            Record(item.ChatId, () => _items.Put(item));
            _log.LogWarning("Sending {Kind} to chat {ChatId} failed ({Error}); try {Attempt} in {Seconds}s", item.Kind, item.ChatId,
                ex.Message, item.Attempts + 1, (item.NextUtc - _time.GetUtcNow().UtcDateTime).TotalSeconds);
            return false;
        }
        catch (Exception ex)
        {
            // Refused for good (bad request, bot removed from the chat…): retrying would fail the same way. A chat that is
            // gone is reported once by whoever handles ChatGone, not once per item.
            var gone = ex is ChatApiException { ChatGone: true };
            if (gone) _log.LogDebug("{Kind} to chat {ChatId} refused, the chat is gone: {Error}", item.Kind, item.ChatId, ex.Message);
            else _log.LogError("{Kind} to chat {ChatId} refused: {Error}", item.Kind, item.ChatId, ex.Message);
            _metrics?.Failed(item.Kind);
            Finish(item, OutboxItem.Failed, ex.Message, null, gone);
            return true;
        }
    }

    /// <summary>
    /// The item and every other stored item still waiting for its old chat now go to <paramref name="newChat"/>, recorded in
    /// one unit; they keep their places in the lane (the old chat is gone, its budget unused).
    /// </summary>
    private void Retarget(OutboxItem item, long newChat)
    {
        var oldChat = item.ChatId;
        var moved = _items.Where("Pending", true).Where(i => i.ChatId == oldChat).Append(item).Distinct().ToList();
        Record(newChat, () =>
        {
            foreach (var i in moved)
            {
                i.ChatId = newChat;
                _items.Put(i);
            }
        });
    }

    /// <summary>
    /// 1, 2, 4 … 60 s after the n-th failure, spread by ±50 % (from the injectable random source): chats that failed
    /// together (Telegram down for a minute) do not all come back in the same instant.
    /// </summary>
    public static TimeSpan Backoff(int attempts, Games.Entropy entropy)
    {
        var seconds = Math.Min(60, Math.Pow(2, attempts - 1));
        return TimeSpan.FromSeconds(seconds * (0.5 + Jitter(entropy)));
    }

    /// <summary>A number in [0, 1) from the injectable random source.</summary>
    public static double Jitter(Games.Entropy entropy) => BitConverter.ToUInt32(entropy.NewSeed(), 0) / (uint.MaxValue + 1.0);

    /// <summary>
    /// Records a send's result in one unit. It is not awaited: the lane goes on as soon as the result is in memory. If the
    /// journal cannot be written the unit waits there, and the item, gone from its lane, is never sent again.
    /// </summary>
    private void Finish(OutboxItem item, string state, string? error, int? sentMessageId, bool chatGone = false) => Record(item.ChatId, () =>
    {
        if (chatGone) ChatGone?.Invoke(item.ChatId, error ?? "");
        item.State = state;
        item.Error = error;
        item.SentMessageId = sentMessageId;
        // A keyed item is kept a day, so the same key is not accepted again; the rest are done with.
        if (item.Key is null) _items.Delete(item.Id);
        else _items.Put(item);
        if (item.Tag is { } tag && sentMessageId is { } id) _sent.Record(tag, item.ChatId, id);
        Finished?.Invoke(item);
        if (Interlocked.Increment(ref _sentSinceCleanup) % 500 == 0)
        {
            var cutoff = _time.GetUtcNow().UtcDateTime.AddDays(-1);
            foreach (var old in _items.All().Where(i => i.State != OutboxItem.Pending && i.EnqueuedUtc < cutoff)) _items.Delete(old.Id);
        }
    });

    /// <summary>
    /// What became of a send, as a unit of its own that is not waited for: in memory at once, on disk with the next group
    /// commit (a send never waits on the disk, and a full disk holds the record, never the send).
    /// </summary>
    private void Record(long chatId, Action write)
    {
        using var unit = _db.Begin();
        write();
        _ = unit.CommitAsync().ContinueWith(t => _log.LogError(t.Exception, "Recording a send to chat {ChatId} failed", chatId),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>A button answer: at once, beside the lanes; a press is stale after about 15 s, so it is tried twice at most.</summary>
    private void Answer(AnswerButton answer)
    {
        lock (_lock) _pendingOfChat[answer.ChatId] = _pendingOfChat.GetValueOrDefault(answer.ChatId) + 1;
        _ = Task.Run(() => SendAnswer(answer));
    }

    private async Task SendAnswer(AnswerButton answer)
    {
        await _answerSlots.WaitAsync();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _adapter.PerformAsync(answer, CancellationToken.None);
                    return;
                }
                catch (Exception ex) when (attempt < 2 && ex is ChatApiException { Transient: true } or HttpRequestException)
                {
                }
                catch (Exception ex)
                {
                    _log.LogWarning("Answering a button press in chat {ChatId} failed: {Error}", answer.ChatId, ex.Message);
                    return;
                }
            }
        }
        finally
        {
            _answerSlots.Release();
            lock (_lock) Done(answer.ChatId);
        }
    }

    /// <summary>
    /// One chat's waiting items. Fair to the people in it: each user's items keep their order, and users take turns
    /// (one member's 200 repeated commands do not hold up everyone else's replies); a game's own message and a
    /// deletion that hides a secret go before the turns.
    /// </summary>
    private sealed class Lane(long chat)
    {
        private readonly Queue<OutboxItem> _urgent = new();
        private readonly Dictionary<long, Queue<OutboxItem>> _byUser = [];
        private readonly Queue<long> _turns = new();
        private OutboxItem? _head;

        public long Chat { get; } = chat;
        public int Count { get; private set; }
        public bool Scheduled { get; set; }
        public bool Busy { get; set; }

        public void Add(OutboxItem item)
        {
            Count++;
            if (item.Urgent)
            {
                _urgent.Enqueue(item);
                return;
            }
            var user = item.ByUser ?? 0;
            if (!_byUser.TryGetValue(user, out var queue))
            {
                _byUser[user] = queue = new Queue<OutboxItem>();
                _turns.Enqueue(user);
            }
            queue.Enqueue(item);
        }

        /// <summary>The item to send next; the same one until it is done with (a retry keeps its place).</summary>
        public OutboxItem Head() => _head ??= _urgent.Count > 0 ? _urgent.Peek() : _byUser[_turns.Peek()].Peek();

        public void Done()
        {
            var head = _head ?? Head();
            _head = null;
            Count--;
            if (head.Urgent)
            {
                _urgent.Dequeue();
                return;
            }
            var user = _turns.Dequeue();
            var queue = _byUser[user];
            queue.Dequeue();
            if (queue.Count > 0) _turns.Enqueue(user); // to the back of the turns
            else _byUser.Remove(user);
        }
    }
}
