using System.Text.Json;
using JsonSerializer = System.Text.Json.JsonSerializer;
using GroupBot.Storage;
using LiteDB;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace GroupBot.Chat.Telegram;

/// <summary>
/// Updates are stored before they are handled, with the highest update_id seen, so a restart asks Telegram
/// only for newer updates (nothing repeats) and re-handles stored ones that never finished (nothing is lost).
/// </summary>
public sealed class UpdateInbox
{
    private const string OffsetKey = "telegram.last_update_id";
    private const int KeepHandled = 1000;
    private readonly Database _db;
    private readonly ILiteCollection<BsonDocument> _inbox;
    private readonly Lock _lock = new();

    public UpdateInbox(Database db)
    {
        _db = db;
        _inbox = db.Collection<BsonDocument>("telegram_inbox");
        LastUpdateId = int.TryParse(db.GetValue(OffsetKey), out var id) ? id : 0;
    }

    public int LastUpdateId { get; private set; }

    /// <summary>Stores an update; false when it was seen before (a repeat to drop).</summary>
    public bool Accept(Update update)
    {
        lock (_lock)
        {
            if (update.Id <= LastUpdateId || _inbox.FindById(update.Id) is not null) return false;
            _inbox.Insert(new BsonDocument
            {
                ["_id"] = update.Id,
                ["json"] = JsonSerializer.Serialize(update, JsonBotAPI.Options),
                ["handled"] = false,
            });
            LastUpdateId = update.Id;
            _db.SetValue(OffsetKey, update.Id.ToString());
            return true;
        }
    }

    public void MarkHandled(int updateId)
    {
        lock (_lock)
        {
            var doc = _inbox.FindById(updateId);
            if (doc is null) return;
            doc["handled"] = true;
            _inbox.Update(doc);
            if (updateId % 100 == 0) _inbox.DeleteMany(Query.And(Query.EQ("handled", true), Query.LT("_id", updateId - KeepHandled)));
        }
    }

    /// <summary>Stored updates that were accepted but not handled before the last stop, oldest first.</summary>
    public IReadOnlyList<Update> Unhandled()
    {
        lock (_lock)
        {
            return _inbox.Find(Query.EQ("handled", false)).OrderBy(d => d["_id"].AsInt32)
                .Select(d => JsonSerializer.Deserialize<Update>(d["json"].AsString, JsonBotAPI.Options)!)
                .ToList();
        }
    }
}
