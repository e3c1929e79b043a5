using GroupBot.Storage;
using Microsoft.Extensions.Logging;

namespace GroupBot.Games;

/// <summary>Games and their ledger. A game's change and its ledger entries are written in the event's unit of work.</summary>
public sealed class GameStore
{
    private readonly Table<int, Game> _games;
    private readonly Table<string, LedgerEntry> _ledger;
    private readonly ILogger<GameStore> _log;
    private long _ledgerSeq;

    public GameStore(Database db, ILogger<GameStore> log)
    {
        _log = log;
        _games = db.Table<int, Game>("games", g => g.Id, (g, id) => g.Id = id)
            .Index("ChatId", g => g.ChatId)
            .Index("Live", g => g.IsLive ? true : null);
        _ledger = db.Table<string, LedgerEntry>("ledger", l => l.Key).Index("GameId", l => l.GameId);
        _ledgerSeq = _ledger.All().Select(l => l.Seq).DefaultIfEmpty(0).Max();
    }

    public Game Insert(Game game) => _games.Insert(game);

    /// <summary>Saves the game and its new ledger entries together. An entry whose key exists is a repeat and is skipped.</summary>
    public void Save(Game game, IEnumerable<LedgerEntry> entries)
    {
        _games.Put(game);
        foreach (var entry in entries)
        {
            if (_ledger.Exists(entry.Key))
            {
                _log.LogWarning("Ledger entry {Key} exists already; not written twice", entry.Key);
                continue;
            }
            entry.Seq = Interlocked.Increment(ref _ledgerSeq);
            _ledger.Put(entry);
        }
    }

    public Game? Find(long chatId, int id) => _games.Get(id) is { } g && g.ChatId == chatId ? g : null;

    public IReadOnlyList<Game> Live(long chatId) => _games.Where("ChatId", chatId).Where(g => g.IsLive).OrderBy(g => g.Id).ToList();

    public IReadOnlyList<Game> AllLive() => _games.Where("Live", true).OrderBy(g => g.Id).ToList();

    /// <summary>Games of a chat (or all) opened since a time, for /stats and the report.</summary>
    public IReadOnlyList<Game> Since(long? chatId, DateTime sinceUtc) =>
        (chatId is { } c ? _games.Where("ChatId", c) : _games.All()).Where(g => g.CreatedUtc >= sinceUtc).OrderBy(g => g.Id).ToList();

    public IReadOnlyList<LedgerEntry> LedgerOf(int gameId) => _ledger.Where("GameId", gameId).OrderBy(l => l.Utc).ThenBy(l => l.Seq).ToList();
}
