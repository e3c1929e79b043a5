using System.Text.Json;
using GroupBot.Storage;
using Telegram.Bot;
using Telegram.Bot.Types;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace GroupBot.Chat.Telegram;

/// <summary>The id of an update pushed to the webhook, kept a day so a redelivery is dropped.</summary>
public sealed class SeenUpdate
{
    public long Id { get; set; }
    public DateTime AcceptedUtc { get; set; }
}

public sealed class InboxUpdate
{
    public long Id { get; set; }
    public string Json { get; set; } = "";
}

/// <summary>
/// Updates are stored (one unit per getUpdates batch, with the highest update_id seen) before Telegram is told they
/// arrived, so a restart asks only for newer updates (nothing repeats) and handles the stored ones that never finished
/// (nothing is lost). Handling an update removes it in the handler's own unit: its effects and its removal commit
/// together.
/// </summary>
public sealed class UpdateInbox
{
    private const string OffsetKey = "telegram.last_update_id";
    private readonly Database _db;
    private readonly Table<long, InboxUpdate> _inbox;

    public UpdateInbox(Database db, TimeProvider? time = null)
    {
        _db = db;
        _time = time ?? TimeProvider.System;
        _inbox = db.Table<long, InboxUpdate>("telegram_inbox", u => u.Id);
        _seen = db.Table<long, SeenUpdate>("telegram_webhook_seen", u => u.Id);
        LastUpdateId = int.TryParse(db.GetValue(OffsetKey), out var id) ? id : 0;
    }

    public int LastUpdateId { get; private set; }

    /// <summary>How many stored updates wait to be handled.</summary>
    public int Waiting => _inbox.Count;

    /// <summary>
    /// Stores the new updates of a batch in one unit; returns them (repeats dropped) and when the unit is durable. They may
    /// be handled at once: a handler's unit comes after this one in the journal, so nothing it sends goes out before the
    /// batch is on disk. Telegram must not hear that they arrived (the next getUpdates' offset) before <c>Durable</c>.
    /// </summary>
    public (IReadOnlyList<Update> Fresh, Task Durable) Accept(IReadOnlyList<Update> updates)
    {
        var fresh = updates.Where(u => u.Id > LastUpdateId).ToList();
        if (fresh.Count == 0) return ([], Task.CompletedTask);
        using var unit = _db.Begin();
        foreach (var update in fresh)
            _inbox.Put(new InboxUpdate { Id = update.Id, Json = JsonSerializer.Serialize(update, JsonBotAPI.Options) });
        var last = fresh.Max(u => u.Id);
        _db.SetValue(OffsetKey, last.ToString());
        // In memory now (the handlers see the rows), on disk with the journal's next group commit.
        var durable = unit.CommitAsync();
        LastUpdateId = last;
        return (fresh, durable);
    }

    private readonly TimeProvider _time;
    private readonly Table<long, SeenUpdate> _seen;
    private readonly Lock _pushLock = new();
    private int _pushed;

    /// <summary>How long a pushed update's id is remembered to drop a redelivery (Telegram gives up long before).</summary>
    public static readonly TimeSpan SeenFor = TimeSpan.FromDays(1);

    /// <summary>
    /// Webhook mode: one pushed update, stored in a unit of its own; completes once it is durable (only then may the webhook
    /// answer 200). False for a redelivery of an update already accepted. Pushed updates may arrive out of order (several
    /// connections at once), so a repeat is known by its id among those accepted in the last day, not by "not above the
    /// highest id"; concurrent pushes still share the journal's group commit (only the check and the write are locked).
    /// </summary>
    public async Task<bool> AcceptPushed(Update update)
    {
        Task durable;
        lock (_pushLock)
        {
            if (_inbox.Get(update.Id) is not null || _seen.Get(update.Id) is not null) return false;
            var unit = _db.Begin();
            try
            {
                var now = _time.GetUtcNow().UtcDateTime;
                _inbox.Put(new InboxUpdate { Id = update.Id, Json = JsonSerializer.Serialize(update, JsonBotAPI.Options) });
                _seen.Put(new SeenUpdate { Id = update.Id, AcceptedUtc = now });
                if (update.Id > LastUpdateId)
                {
                    _db.SetValue(OffsetKey, update.Id.ToString());
                    LastUpdateId = update.Id;
                }
                if (++_pushed % 1000 == 0)
                    foreach (var old in _seen.All().Where(s => s.AcceptedUtc < now - SeenFor)) _seen.Delete(old.Id);
                durable = unit.CommitAsync();
            }
            catch
            {
                unit.Dispose();
                throw;
            }
        }
        await durable;
        return true;
    }

    /// <summary>
    /// An update that means nothing to the bot: dropped in a unit of its own, not waited for (the poller goes on; lost in a
    /// crash, it is read again at the next start and dropped again).
    /// </summary>
    public void Drop(int updateId)
    {
        using var unit = _db.Begin();
        MarkHandled(updateId);
        _ = unit.CommitAsync();
    }

    /// <summary>In the handler's unit: the update is done with.</summary>
    public void MarkHandled(int updateId) => _inbox.Delete(updateId);

    /// <summary>Stored updates that were accepted but not handled before the last stop, oldest first.</summary>
    public IReadOnlyList<Update> Unhandled() =>
        _inbox.All().OrderBy(u => u.Id).Select(u => JsonSerializer.Deserialize<Update>(u.Json, JsonBotAPI.Options)!).ToList();
}
