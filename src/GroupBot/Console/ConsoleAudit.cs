using GroupBot.Chat;
using GroupBot.Storage;

namespace GroupBot.OpsConsole;

/// <summary>One change made through the console: who, when, what (kept in the database, shown on the activity page).</summary>
public sealed class AuditRecord
{
    public long Id { get; set; }
    public DateTime Utc { get; set; }
    public long UserId { get; set; }
    public string Who { get; set; } = "";
    /// <summary>What was done: "template.save", "config.save", "group.pause", "game.end", "post", "signin"…</summary>
    public string Action { get; set; } = "";
    /// <summary>What it was done to: a file, a group, a game.</summary>
    public string Target { get; set; } = "";
    public string Detail { get; set; } = "";
}

/// <summary>The console's activity log, one unit per record, committed before the request answers.</summary>
public sealed class ConsoleAudit
{
    private readonly Database _db;
    private readonly TimeProvider _time;
    private readonly Table<long, AuditRecord> _records;

    public ConsoleAudit(Database db, TimeProvider time)
    {
        (_db, _time) = (db, time);
        _records = db.Table<long, AuditRecord>("console_audit", r => r.Id, (r, id) => r.Id = id);
    }

    public async Task Record(ChatUser user, string action, string target, string detail = "")
    {
        using var unit = _db.Begin();
        _records.Insert(new AuditRecord
        {
            Utc = _time.GetUtcNow().UtcDateTime, UserId = user.Id, Who = user.DisplayName, Action = action, Target = target,
            Detail = TelegramText.Quote(detail, 500),
        });
        await unit.CommitAsync();
    }

    /// <summary>The newest records first.</summary>
    public IReadOnlyList<AuditRecord> Latest(int count) => _records.All().OrderByDescending(r => r.Id).Take(count).ToList();
}
