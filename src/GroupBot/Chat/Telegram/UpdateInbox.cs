using System.Text.Json;
using GroupBot.Storage;
using Telegram.Bot;
using Telegram.Bot.Types;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace GroupBot.Chat.Telegram;

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

    public UpdateInbox(Database db)
    {
        _db = db;
        _inbox = db.Table<long, InboxUpdate>("telegram_inbox", u => u.Id);
        LastUpdateId = int.TryParse(db.GetValue(OffsetKey), out var id) ? id : 0;
    }

    public int LastUpdateId { get; private set; }

    /// <summary>How many stored updates wait to be handled.</summary>
    public int Waiting => _inbox.Count;

    /// <summary>Stores the new updates of a batch in one unit and waits until it is durable; returns them (repeats dropped).</summary>
    public async Task<IReadOnlyList<Update>> Accept(IReadOnlyList<Update> updates)
    {
        var fresh = updates.Where(u => u.Id > LastUpdateId).ToList();
        if (fresh.Count == 0) return [];
        using var unit = _db.Begin();
        foreach (var update in fresh)
            _inbox.Put(new InboxUpdate { Id = update.Id, Json = JsonSerializer.Serialize(update, JsonBotAPI.Options) });
        var last = fresh.Max(u => u.Id);
        _db.SetValue(OffsetKey, last.ToString());
        await unit.CommitAsync();
        LastUpdateId = last;
        return fresh;
    }

    /// <summary>An update that means nothing to the bot: dropped in a unit of its own.</summary>
    public void Drop(int updateId) => _db.Write(() => MarkHandled(updateId));

    /// <summary>In the handler's unit: the update is done with.</summary>
    public void MarkHandled(int updateId) => _inbox.Delete(updateId);

    /// <summary>Stored updates that were accepted but not handled before the last stop, oldest first.</summary>
    public IReadOnlyList<Update> Unhandled() =>
        _inbox.All().OrderBy(u => u.Id).Select(u => JsonSerializer.Deserialize<Update>(u.Json, JsonBotAPI.Options)!).ToList();
}
