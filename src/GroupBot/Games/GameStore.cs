using GroupBot.Storage;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace GroupBot.Games;

/// <summary>Games and their ledger in LiteDB. A game's change and its ledger entries are written in one transaction.</summary>
public sealed class GameStore
{
    private readonly Database _db;
    private readonly ILiteCollection<Game> _games;
    private readonly ILiteCollection<LedgerEntry> _ledger;
    private readonly ILogger<GameStore> _log;

    public GameStore(Database db, ILogger<GameStore> log)
    {
        _db = db;
        _log = log;
        _games = db.Collection<Game>("games");
        _games.EnsureIndex(g => g.ChatId);
        _games.EnsureIndex(g => g.State);
        _ledger = db.Collection<LedgerEntry>("ledger");
        _ledger.EnsureIndex(l => l.Key, unique: true);
        _ledger.EnsureIndex(l => l.GameId);
    }

    public Game Insert(Game game)
    {
        _games.Insert(game);
        return game;
    }

    /// <summary>Saves the game and its new ledger entries together. An entry whose key exists is a repeat and is skipped.</summary>
    public void Save(Game game, IEnumerable<LedgerEntry> entries) => _db.InTransaction(() =>
    {
        _games.Update(game);
        foreach (var entry in entries)
        {
            if (_ledger.Exists(l => l.Key == entry.Key))
            {
                _log.LogWarning("Ledger entry {Key} exists already; not written twice", entry.Key);
                continue;
            }
            _ledger.Insert(entry);
        }
        return true;
    });

    public Game? Find(long chatId, int id) => _games.FindOne(g => g.Id == id && g.ChatId == chatId);

    public IReadOnlyList<Game> Live(long chatId) =>
        _games.Find(g => g.ChatId == chatId && (g.State == GameState.Open || g.State == GameState.Full)).OrderBy(g => g.Id).ToList();

    public IReadOnlyList<Game> AllLive() =>
        _games.Find(g => g.State == GameState.Open || g.State == GameState.Full).ToList();

    /// <summary>Games that ended (settled or cancelled) since a time.</summary>
    public IReadOnlyList<Game> EndedSince(DateTime sinceUtc) =>
        _games.Find(g => (g.State == GameState.Settled || g.State == GameState.Cancelled) && g.EndedUtc >= sinceUtc).ToList();

    /// <summary>Games of a chat opened since a time, for /stats and the report.</summary>
    public IReadOnlyList<Game> Since(long? chatId, DateTime sinceUtc) =>
        _games.Find(g => (chatId == null || g.ChatId == chatId) && g.CreatedUtc >= sinceUtc).ToList();

    public IReadOnlyList<LedgerEntry> LedgerOf(int gameId) => _ledger.Find(l => l.GameId == gameId).OrderBy(l => l.Utc).ThenBy(l => l.Id).ToList();
}
