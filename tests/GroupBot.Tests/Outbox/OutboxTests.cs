using GroupBot.Chat;
using GroupBot.Chat.Telegram;
using GroupBot.Outbox;
using GroupBot.Storage;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace GroupBot.Tests.Outbox;

public class RateLimiterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void One_chat_gets_a_burst_then_one_a_second()
    {
        var limiter = new RateLimiter(new OutboxOptions { ChatBurst = 3, ChatPerSecond = 1, GroupPerMinute = 1000, GlobalPerSecond = 1000 });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(TimeSpan.Zero, limiter.WaitFor(-1, true, T0));
            limiter.Take(-1, true, T0);
        }
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.WaitFor(-1, true, T0));
        Assert.Equal(TimeSpan.Zero, limiter.WaitFor(-2, true, T0)); // other chats are not held up
        Assert.Equal(TimeSpan.Zero, limiter.WaitFor(-1, false, T0)); // button answers do not count
        Assert.Equal(TimeSpan.Zero, limiter.WaitFor(-1, true, T0.AddSeconds(1)));
    }

    [Fact]
    public void A_group_gets_twenty_a_minute()
    {
        var limiter = new RateLimiter(new OutboxOptions { ChatBurst = 100, ChatPerSecond = 100, GroupPerMinute = 20, GlobalPerSecond = 1000 });
        for (var i = 0; i < 20; i++) limiter.Take(-5, true, T0);
        Assert.Equal(TimeSpan.FromSeconds(3), limiter.WaitFor(-5, true, T0));
        Assert.Equal(TimeSpan.Zero, limiter.WaitFor(5, true, T0.AddSeconds(1))); // a private chat has no group limit
        Assert.True(limiter.WaitFor(-5, true, T0.AddSeconds(1)) > TimeSpan.Zero);
    }

    [Fact]
    public void Thirty_a_second_overall()
    {
        var limiter = new RateLimiter(new OutboxOptions { GlobalPerSecond = 30 });
        for (var i = 0; i < 30 * RateLimiter.GlobalBurstSeconds; i++) limiter.Take(-100 - i, true, T0); // a small burst, then the steady rate
        Assert.True(limiter.WaitFor(-999, true, T0) > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, limiter.WaitFor(-999, true, T0.AddSeconds(1.0 / 30)));
    }

    [Fact]
    public void A_paused_chat_waits_exactly_the_retry_after()
    {
        var limiter = new RateLimiter(new OutboxOptions());
        limiter.Pause(-1, T0.AddSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), limiter.WaitFor(-1, true, T0));
        Assert.Equal(TimeSpan.Zero, limiter.WaitFor(-1, true, T0.AddSeconds(7)));
    }
}

public sealed class OutboxQueueTests : IAsyncDisposable
{
    private readonly TempDir _dir = Repo.Temp();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly ScriptedChat _chat = new();
    private Database _db;
    private OutboxQueue _outbox;

    public OutboxQueueTests()
    {
        _db = new Database(_dir.File("o.db"));
        _outbox = NewOutbox();
    }

    private OutboxQueue NewOutbox() => new(_db, _chat, new SentMessages(_db), _time,
        Options.Create(new OutboxOptions { ChatBurst = 100, ChatPerSecond = 100, GroupPerMinute = 1000, GlobalPerSecond = 1000, MaxAttempts = 3 }),
        NullLogger<OutboxQueue>.Instance);

    /// <summary>Waits (in real time, bounded) for the sender thread to reach a state; the clock it reads is fake.</summary>
    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++) await Task.Delay(5);
        Assert.True(condition(), "timed out waiting");
    }

    /// <summary>Waits for the outbox to be done with every item; fails (rather than letting the test read a half state) if it is not within 20 s.</summary>
    private async Task Settle()
    {
        for (var i = 0; i < 4000; i++)
        {
            await Task.Delay(5);
            if (_outbox.PendingCount == 0) return;
        }
        Assert.Fail($"the outbox still has {_outbox.PendingCount} items pending");
    }

    [Fact]
    public async Task A_429_waits_exactly_retry_after_then_sends_once_in_order()
    {
        _chat.Failures.Enqueue(new ChatApiException(429, "Too Many Requests", TimeSpan.FromSeconds(5)));
        await _outbox.StartAsync(CancellationToken.None);
        _outbox.Enqueue([new SendText(-1, "a"), new SendText(-1, "b")]);
        await WaitUntil(() => _chat.Failures.Count == 0);
        await Task.Delay(20);
        Assert.Empty(_chat.Sent);
        for (var i = 0; i < 49; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(2);
        }
        await Task.Delay(50);
        Assert.Empty(_chat.Sent); // 4.9 s: still waiting
        for (var i = 0; i < 100 && _chat.Sent.Count < 2; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }
        Assert.Equal(["a", "b"], _chat.Sent.Select(a => ((SendText)a).Text));
    }

    [Fact]
    public async Task Slow_requests_to_different_chats_overlap_but_one_chats_never_do()
    {
        _outbox = new OutboxQueue(_db, _chat, new SentMessages(_db), _time,
            Options.Create(new OutboxOptions { ChatBurst = 100, ChatPerSecond = 100, GroupPerMinute = 1000, GlobalPerSecond = 1000, MaxInFlight = 3 }),
            NullLogger<OutboxQueue>.Instance);
        _chat.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _outbox.StartAsync(CancellationToken.None);
        _outbox.Enqueue([new SendText(-1, "1a"), new SendText(-1, "1b"), new SendText(-1, "1c"), new SendText(-2, "2a"), new SendText(-3, "3a"), new SendText(-4, "4a")]);

        // Three slots: chat -1's first item and two other chats; -1's next item waits for its answer.
        await WaitUntil(() => _chat.UnderWay == 3);
        await Task.Delay(20);
        Assert.Equal(["1a", "2a", "3a"], _chat.StartedActions.Select(a => ((SendText)a).Text).Order()); // requests to different chats race

        _chat.Gate.SetResult();
        await WaitUntil(() => _chat.Sent.Count == 6);
        Assert.Equal(3, _chat.MostUnderWay);
        var texts = _chat.Sent.Select(a => ((SendText)a).Text).ToList();
        Assert.Equal(["1a", "1b", "1c"], texts.Where(t => t.StartsWith('1')));
        Assert.Equal(_chat.StartedActions.Count, _chat.Sent.Count); // each sent once
        await _outbox.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_button_answer_goes_out_at_once_while_the_groups_messages_wait_for_its_budget()
    {
        _outbox = new OutboxQueue(_db, _chat, new SentMessages(_db), _time,
            Options.Create(new OutboxOptions { ChatBurst = 3, ChatPerSecond = 1, GroupPerMinute = 20, GlobalPerSecond = 28 }),
            NullLogger<OutboxQueue>.Instance);
        await _outbox.StartAsync(CancellationToken.None);
        _outbox.Enqueue(Enumerable.Range(1, 10).Select(i => (ChatAction)new SendText(-1, $"m{i}")));
        _outbox.Enqueue([new AnswerButton(-1, "press-1", "已加入")]);
        // The clock does not move: the group's burst of 3 goes, the rest waits; the answer does not wait with it.
        await WaitUntil(() => _chat.Sent.OfType<AnswerButton>().Any());
        await Task.Delay(20);
        Assert.Equal(3, _chat.Sent.OfType<SendText>().Count());
        Assert.Single(_chat.Sent.OfType<AnswerButton>());
        await _outbox.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task In_a_busy_chat_people_take_turns_and_a_games_message_goes_first()
    {
        _outbox = new OutboxQueue(_db, _chat, new SentMessages(_db), _time,
            Options.Create(new OutboxOptions { ChatBurst = 1, ChatPerSecond = 1, GroupPerMinute = 1000, GlobalPerSecond = 1000 }),
            NullLogger<OutboxQueue>.Instance);
        using (var unit = _db.Begin())
        {
            _outbox.Enqueue(Enumerable.Range(1, 5).Select(i => (ChatAction)new SendText(-1, $"spam{i}")), byUser: 7);
            _outbox.Enqueue([new SendText(-1, "reply to another member")], byUser: 8);
            _outbox.Enqueue([new SendText(-1, "🧧 lottery #1", Tag: "game:1")], byUser: 1);
            unit.Commit();
        }
        await _outbox.StartAsync(CancellationToken.None);
        for (var i = 0; i < 7; i++)
        {
            await WaitUntil(() => _chat.Sent.Count == i + 1);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(["🧧 lottery #1", "spam1", "reply to another member", "spam2", "spam3", "spam4", "spam5"],
            _chat.Sent.OfType<SendText>().Select(t => t.Text));
        await _outbox.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_send_whose_result_cannot_be_recorded_is_never_sent_again()
    {
        await _outbox.StopAsync(CancellationToken.None);
        _db.Dispose();
        var disk = new FlakyDisk();
        _db = new Database(_dir.File("full.db"), time: _time, openJournal: disk.Open);
        _outbox = NewOutbox();
        _outbox.Enqueue([new SendText(-1, "once")]); // committed while the disk had room
        disk.Full = true;
        await _outbox.StartAsync(CancellationToken.None);
        await WaitUntil(() => _chat.Sent.Count == 1 && _db.JournalStats.Failures > 0);
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(30)); // retries of the write, not of the send
            await Task.Delay(20);
        }
        Assert.Single(_chat.Sent);
        disk.Full = false;
        _time.Advance(GroupBot.Storage.Journal.RetryDelay);
        await _outbox.StopAsync(CancellationToken.None);
        _db.Dispose();
        _db = new Database(_dir.File("full.db"), time: _time);
        _outbox = NewOutbox();
        Assert.Equal(0, _outbox.PendingCount); // the result reached the disk: nothing left to send after a restart
    }

    [Fact]
    public void Items_and_the_callers_other_writes_commit_together_or_not_at_all()
    {
        var log = _db.Table<string, GroupBot.Storage.StoredValue>("caller_log", v => v.Id);
        using (_db.Begin())
        {
            Assert.Equal(1, _outbox.Enqueue([new SendText(-1, "a")], _ => "k1"));
            log.Put(new GroupBot.Storage.StoredValue { Id = "1", Value = "a" });
            Assert.True(_outbox.Contains("k1")); // the unit reads its own writes
            // the unit ends without a commit, as when its handler throws
        }
        Assert.False(_outbox.Contains("k1")); // neither the item nor the record survived
        Assert.Equal(0, log.Count);

        using (var unit = _db.Begin())
        {
            Assert.Equal(1, _outbox.Enqueue([new SendText(-1, "a")], _ => "k1"));
            log.Put(new GroupBot.Storage.StoredValue { Id = "2", Value = "b" });
            unit.Commit();
        }
        Assert.Equal(0, _outbox.Enqueue([new SendText(-1, "a")], _ => "k1"));
        Assert.Equal(["2"], log.All().Select(v => v.Id));
    }

    [Fact]
    public async Task Stopping_waits_for_the_requests_under_way_and_keeps_unsent_items()
    {
        _chat.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _outbox.StartAsync(CancellationToken.None);
        _outbox.Enqueue([new SendText(-1, "a"), new SendText(-2, "b")]);
        await WaitUntil(() => _chat.UnderWay == 2);
        var stop = _outbox.StopAsync(CancellationToken.None);
        await Task.Delay(20);
        Assert.False(stop.IsCompleted); // the store must outlive the requests that write their outcome to it
        _chat.Gate.SetResult();
        await stop;
        Assert.Equal(0, _chat.UnderWay);
        Assert.Equal(2, _chat.Sent.Count);
        Assert.Equal(0, NewOutbox().PendingCount);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_and_a_bad_request_is_given_up()
    {
        _chat.FailuresOf[-1] = new([new ChatApiException(502, "Bad Gateway", transient: true)]);
        _chat.FailuresOf[-2] = new([new ChatApiException(400, "Bad Request: chat not found")]);
        await _outbox.StartAsync(CancellationToken.None);
        _outbox.Enqueue([new SendText(-1, "retried"), new SendText(-2, "refused")]);
        await WaitUntil(() => _chat.FailuresOf.Values.All(q => q.Count == 0) && _outbox.PendingCount == 1);
        for (var i = 0; i < 100 && _chat.Sent.Count < 1; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }
        await Settle();
        Assert.Equal(["retried"], _chat.Sent.Select(a => ((SendText)a).Text));
        Assert.Equal(0, _outbox.PendingCount);
    }

    [Fact]
    public async Task Accepted_items_survive_a_restart_and_keyed_items_are_accepted_once()
    {
        Assert.Equal(1, _outbox.Enqueue([new SendText(-1, "post")], _ => "post:daily:1:-1"));
        Assert.Equal(0, _outbox.Enqueue([new SendText(-1, "post")], _ => "post:daily:1:-1"));
        _outbox.Enqueue([new SendText(-1, "reply")]);
        // Never started: a crash before sending. A new outbox on the same file sends both, once.
        _outbox.Dispose();
        _outbox = NewOutbox();
        await _outbox.StartAsync(CancellationToken.None);
        await Settle();
        Assert.Equal(["post", "reply"], _chat.Sent.Select(a => ((SendText)a).Text));
        Assert.Equal(0, _outbox.Enqueue([new SendText(-1, "post")], _ => "post:daily:1:-1"));
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_a_broadcast_posts_every_group_exactly_once()
    {
        _outbox.Dispose();
        _outbox = new OutboxQueue(_db, _chat, new SentMessages(_db), _time, Options.Create(new OutboxOptions { GlobalPerSecond = 10 }),
            NullLogger<OutboxQueue>.Instance);
        var groups = Enumerable.Range(1, 60).Select(i => -1000L - i).ToList();
        _outbox.Enqueue(groups.Select(g => new SendText(g, "daily")), a => $"post:daily:20261123T020000:{a.ChatId}");
        await _outbox.StartAsync(CancellationToken.None);
        await WaitUntil(() => _chat.Sent.Count >= 3); // the global bucket: a burst of a third of a second's worth
        Assert.Equal(3, _chat.Sent.Count);
        // Fake time in small steps (the sender may be between reading the clock and arming its timer).
        for (var i = 0; i < 400 && _chat.Sent.Count < 30; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }
        await _outbox.StopAsync(CancellationToken.None);
        Assert.InRange(_chat.Sent.Count, 30, 59); // stopped in the middle
        _outbox.Dispose();

        // The scheduler fires again after the restart: keyed posts already accepted are not accepted twice.
        _outbox = new OutboxQueue(_db, _chat, new SentMessages(_db), _time, Options.Create(new OutboxOptions { GlobalPerSecond = 1000 }),
            NullLogger<OutboxQueue>.Instance);
        Assert.Equal(0, _outbox.Enqueue(groups.Select(g => new SendText(g, "daily")), a => $"post:daily:20261123T020000:{a.ChatId}"));
        await _outbox.StartAsync(CancellationToken.None);
        await Settle();
        Assert.Equal(groups.Order(), _chat.Sent.Select(a => a.ChatId).Order());
    }

    [Fact]
    public async Task Stopping_lets_a_send_under_way_finish_so_a_restart_does_not_send_it_again()
    {
        _chat.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _outbox.StartAsync(CancellationToken.None);
        _outbox.Enqueue([new SendText(-1, "post")], _ => "post:daily:1:-1");
        await _chat.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stopping = _outbox.StopAsync(CancellationToken.None); // the bot stops while the request is on the wire
        await Task.Delay(20);
        Assert.False(stopping.IsCompleted);
        _chat.Gate.SetResult(); // Telegram answers
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["post"], _chat.Sent.Select(a => ((SendText)a).Text));

        _outbox.Dispose();
        _chat.Gate = null;
        _outbox = NewOutbox();
        await _outbox.StartAsync(CancellationToken.None);
        await Settle();
        Assert.Single(_chat.Sent); // recorded as sent: not sent again
    }

    [Fact]
    public async Task A_send_that_hangs_past_the_grace_is_cut_at_stop_and_kept_for_the_restart()
    {
        _chat.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _outbox.StartAsync(CancellationToken.None);
        _outbox.Enqueue([new SendText(-1, "post")]);
        await _chat.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stopping = _outbox.StopAsync(CancellationToken.None);
        await Task.Delay(20);
        _time.Advance(OutboxQueue.StopGrace);
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(_chat.Sent);

        _outbox.Dispose();
        _chat.Gate = null;
        _outbox = NewOutbox();
        await _outbox.StartAsync(CancellationToken.None);
        await Settle();
        Assert.Equal(["post"], _chat.Sent.Select(a => ((SendText)a).Text)); // nothing accepted is lost
    }

    [Fact]
    public async Task Tagged_messages_have_their_id_recorded()
    {
        await _outbox.StartAsync(CancellationToken.None);
        _outbox.Enqueue([new SendText(-1, "game", Tag: "game:7")]);
        await Settle();
        Assert.Equal(_chat.LastId, new SentMessages(_db).Find("game:7", -1));
    }

    [Fact]
    public async Task Every_tagged_message_has_its_id_recorded_once_the_outbox_is_idle()
    {
        // Issue 12 item 14: a send's result is in memory before the item leaves the pending count, so a test (or a
        // feature) that waits for the count never reads a half state. Sixty lanes at once make the window wide.
        await _outbox.StartAsync(CancellationToken.None);
        for (var chat = 1; chat <= 60; chat++) _outbox.Enqueue([new SendText(-chat, "game", Tag: "game:1")]);
        await Settle();
        var sent = new SentMessages(_db);
        var ids = Enumerable.Range(1, 60).Select(chat => sent.Find("game:1", -chat)).ToList();
        Assert.All(ids, id => Assert.NotNull(id));
        Assert.Equal(60, ids.Distinct().Count());
    }

    [Fact]
    public void Long_captions_are_split_at_line_breaks_within_telegrams_limits()
    {
        var text = string.Join("\n", Enumerable.Range(0, 400).Select(i => $"line {i:000} 一二三四五六七八九十"));
        var (caption, following) = TelegramAdapter.SplitCaption(text);
        Assert.True(caption.Length <= TelegramAdapter.CaptionLimit);
        Assert.All(following, f => Assert.True(f.Length <= 4096));
        Assert.Equal(text.Replace("\n", ""), (caption + string.Concat(following)).Replace("\n", ""));
        var (shortCaption, none) = TelegramAdapter.SplitCaption("short");
        Assert.Equal("short", shortCaption);
        Assert.Empty(none);
    }

    public async ValueTask DisposeAsync()
    {
        await _outbox.StopAsync(CancellationToken.None);
        _outbox.Dispose();
        _db.Dispose();
        _dir.Dispose();
    }

    /// <summary>A chat network that fails the next calls as scripted, then succeeds.</summary>
    private sealed class ScriptedChat : IChatAdapter
    {
        public Queue<Exception> Failures { get; } = new();

        /// <summary>Failures of the next calls to one chat (sends to two chats run at once: a shared queue would race).</summary>
        public Dictionary<long, Queue<Exception>> FailuresOf { get; } = [];

        public List<ChatAction> Sent { get; } = [];
        public int LastId { get; private set; } = 500;
        public string BotUsername => "t";
        public bool WaitsForReplies => false;
        public Task ConnectAsync(CancellationToken ct) => Task.CompletedTask;
        public Task RunAsync(Func<ChatEvent, Task> onEvent, CancellationToken ct) => Task.CompletedTask;

        /// <summary>When set, a send waits for it (as a slow network would), honouring its cancellation token.</summary>
        public TaskCompletionSource? Gate { get; set; }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public List<ChatAction> StartedActions { get; } = [];
        public int UnderWay { get; private set; }
        public int MostUnderWay { get; private set; }

        public async Task<int?> PerformAsync(ChatAction action, CancellationToken ct)
        {
            lock (this)
            {
                StartedActions.Add(action);
                MostUnderWay = Math.Max(MostUnderWay, ++UnderWay);
            }
            Started.TrySetResult();
            try
            {
                if (Gate is { } gate) await gate.Task.WaitAsync(ct);
                lock (this)
                {
                    if (FailuresOf.TryGetValue(action.ChatId, out var own) && own.TryDequeue(out var failure)) throw failure;
                    if (Failures.TryDequeue(out failure)) throw failure;
                    Sent.Add(action);
                    return ++LastId;
                }
            }
            finally
            {
                lock (this) UnderWay--;
            }
        }

        public Task<IReadOnlySet<long>> GetChatAdminsAsync(long chatId, CancellationToken ct) => Task.FromResult<IReadOnlySet<long>>(new HashSet<long>());
        public Task<string> CreateInviteLinkAsync(long chatId, string name, CancellationToken ct) => Task.FromResult("x");
        public Task SetCommandMenuAsync(IReadOnlyList<(string Name, string Description)> commands, string? languageCode, CancellationToken ct) => Task.CompletedTask;
    }
}
