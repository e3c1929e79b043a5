using System.Collections.Concurrent;
using GroupBot.Chat;

namespace GroupBot.Tests.Support;

/// <summary>An in-memory chat network for host-level tests: events go in, the actions the bot performs are recorded.</summary>
public sealed class FakeChat : IChatAdapter
{
    private readonly TaskCompletionSource<Func<ChatEvent, Task>> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lastMessageId = 1000;

    public string BotUsername => "TestBot";

    /// <summary>Deliver() returns once the replies are out, so tests read them straight away.</summary>
    public bool WaitsForReplies => true;

    public ConcurrentQueue<ChatAction> Actions { get; } = new();

    /// <summary>Everything performed since the start, which <see cref="Take"/> does not empty (for what arrives between calls).</summary>
    public ConcurrentQueue<ChatAction> Performed { get; } = new();

    public HashSet<long> Admins { get; } = [];

    public Task ConnectAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task RunAsync(Func<ChatEvent, Task> onEvent, CancellationToken ct)
    {
        _running.TrySetResult(onEvent);
        await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Delivers an event and waits until the bot has handled it.</summary>
    public async Task Deliver(ChatEvent evt) => await (await _running.Task)(evt);

    /// <summary>Chats the bot was kicked from: every send there is refused with 403, as Telegram does.</summary>
    public ConcurrentDictionary<long, bool> Gone { get; } = new();

    /// <summary>How many sends were tried per chat, refused ones included.</summary>
    public ConcurrentDictionary<long, int> Tries { get; } = new();

    /// <summary>
    /// While set, a refusal from a chat in <see cref="Gone"/> waits for it, as Telegram's answer takes a round trip: the bot
    /// goes on with other work meanwhile (the fake answers at once otherwise, and a test would race the bot's next event).
    /// </summary>
    public TaskCompletionSource? HoldRefusals { get; set; }

    private async Task<int?> Refused()
    {
        if (HoldRefusals is { } hold) await hold.Task;
        throw new ChatApiException(403, "Forbidden: bot was kicked from the supergroup chat");
    }

    /// <summary>Chats whose next send Telegram answers with 429 and this retry_after (once).</summary>
    public ConcurrentDictionary<long, TimeSpan> Flood { get; } = new();

    public Task<int?> PerformAsync(ChatAction action, CancellationToken ct)
    {
        Tries.AddOrUpdate(action.ChatId, 1, (_, n) => n + 1);
        if (Flood.TryRemove(action.ChatId, out var retryAfter))
            return Task.FromException<int?>(new ChatApiException(429, "Too Many Requests: retry after " + (int)retryAfter.TotalSeconds, retryAfter));
        if (Gone.ContainsKey(action.ChatId) && action is not AnswerButton) return Refused();
        Actions.Enqueue(action);
        Performed.Enqueue(action);
        return Task.FromResult<int?>(action switch
        {
            SendText => Interlocked.Increment(ref _lastMessageId),
            EditText edit => edit.MessageId,
            _ => null,
        });
    }

    /// <summary>How many times the bot asked for a chat's admins.</summary>
    public int AdminLookups;

    /// <summary>As when Telegram cannot be reached: asking for a chat's admins fails.</summary>
    public bool AdminLookupFails { get; set; }

    public Task<IReadOnlySet<long>> GetChatAdminsAsync(long chatId, CancellationToken ct)
    {
        Interlocked.Increment(ref AdminLookups);
        if (AdminLookupFails) return Task.FromException<IReadOnlySet<long>>(new HttpRequestException("network is down"));
        return Task.FromResult<IReadOnlySet<long>>(Admins.ToHashSet());
    }

    /// <summary>Users who are not in any group (getChatMember says "left"); everyone else is a member.</summary>
    public HashSet<long> NotMembers { get; } = [];

    /// <summary>As when Telegram cannot be reached: asking whether someone is a member fails.</summary>
    public bool MemberLookupFails { get; set; }

    public Task<bool> IsMemberAsync(long chatId, long userId, CancellationToken ct) => MemberLookupFails
        ? Task.FromException<bool>(new HttpRequestException("network is down"))
        : Task.FromResult(!NotMembers.Contains(userId));

    /// <summary>As Telegram answers a bot that is not an admin allowed to invite users.</summary>
    public bool InviteLinksRefused { get; set; }

    public Task<string> CreateInviteLinkAsync(long chatId, string name, CancellationToken ct) => InviteLinksRefused
        ? Task.FromException<string>(new InvalidOperationException("Bad Request: not enough rights to manage chat invite links"))
        : Task.FromResult($"https://t.me/+fake{chatId}x{name}");

    public Task SetCommandMenuAsync(IReadOnlyList<(string Name, string Description)> commands, string? languageCode, CancellationToken ct) =>
        Task.CompletedTask;

    /// <summary>Everything performed since the last call.</summary>
    public List<ChatAction> Take()
    {
        var taken = new List<ChatAction>();
        while (Actions.TryDequeue(out var a)) taken.Add(a);
        return taken;
    }
}
