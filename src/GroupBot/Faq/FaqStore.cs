using GroupBot.Storage;

namespace GroupBot.Faq;

public enum FaqEditResult { Added, Updated, Deleted, NotFound, AliasTaken }

/// <summary>FAQ entries in the store: what a chat sees (its own over the global ones) and the admin edits.</summary>
public sealed class FaqStore
{
    private readonly Table<long, FaqEntry> _entries;
    private readonly TimeProvider _time;

    public FaqStore(Database db, TimeProvider time)
    {
        _entries = db.Table<long, FaqEntry>("faq", e => e.Id, (e, id) => e.Id = id).Index("ChatId", e => e.ChatId);
        _entries.Committed += (_, _) => Interlocked.Increment(ref _version);
        _time = time;
    }

    // Every committed change of an entry (or a rollback's restore) makes the kept lists stale.
    private long _version;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, (long Version, IReadOnlyList<FaqEntry> Entries, IReadOnlyList<FaqDoc> Docs)> _kept = new();

    /// <summary>The entries a chat sees, ordered by key: its own, then global ones it has not overridden or hidden.</summary>
    public IReadOnlyList<FaqEntry> Visible(long chatId) => VisibleWithDocs(chatId).Entries;

    /// <summary>
    /// <see cref="Visible"/> and the same entries as the matcher's docs. Kept per chat until an entry changes: every
    /// question asks for them, edits are rare. A unit that changed entries sees its own changes.
    /// </summary>
    public (IReadOnlyList<FaqEntry> Entries, IReadOnlyList<FaqDoc> Docs) VisibleWithDocs(long chatId)
    {
        if (_entries.ChangedInThisUnit)
        {
            var mine = Compute(chatId);
            return (mine, mine.Select(DocOf).ToList());
        }
        var version = Interlocked.Read(ref _version);
        if (_kept.TryGetValue(chatId, out var known) && known.Version == version) return (known.Entries, known.Docs);
        // Most chats have no entries of their own and see the global list: one list for all of them.
        if (chatId != FaqEntry.Global && _entries.FirstWhere("ChatId", chatId) is null) return VisibleWithDocs(FaqEntry.Global);
        var entries = Compute(chatId);
        // One doc per entry for all chats (the global entries are in every chat's list), made again after a change.
        var shared = _docs;
        if (shared.Version != version) _docs = shared = new DocsOf(version, new(ReferenceEqualityComparer.Instance));
        var docs = entries.Select(e => shared.Of.GetOrAdd(e, DocOf)).ToList();
        if (_kept.Count > 100_000) _kept.Clear();
        _kept[chatId] = (version, entries, docs);
        return (entries, docs);
    }

    private DocsOf _docs = new(-1, new());

    private sealed record DocsOf(long Version, System.Collections.Concurrent.ConcurrentDictionary<FaqEntry, FaqDoc> Of);

    private static FaqDoc DocOf(FaqEntry entry) => new(entry.Key, entry.Question, entry.Aliases);

    private List<FaqEntry> Compute(long chatId)
    {
        var own = chatId == FaqEntry.Global ? [] : _entries.Where("ChatId", chatId);
        var overridden = own.Select(e => e.NormKey).ToHashSet();
        return own.Where(e => !e.Hidden)
            .Concat(_entries.Where("ChatId", FaqEntry.Global).Where(e => !overridden.Contains(e.NormKey)))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToList();
    }

    public FaqEntry? FindVisible(long chatId, string key)
    {
        var norm = FaqMatcher.Normalize(key);
        // Edits read the table itself (and so mark what they read for a rollback), never the kept list.
        return Compute(chatId).FirstOrDefault(e => e.NormKey == norm);
    }

    /// <summary>Adds or replaces this chat's answer for a key.</summary>
    public FaqEditResult Put(long chatId, string key, string answer, long userId)
    {
        var norm = FaqMatcher.Normalize(key);
        var visible = FindVisible(chatId, key);
        var own = OwnEntry(chatId, norm);
        var entry = own ?? new FaqEntry { ChatId = chatId, Key = key, NormKey = norm, Question = visible?.Question ?? key, Aliases = visible?.Aliases.ToList() ?? [] };
        entry.Answer = answer;
        entry.Hidden = false;
        entry.Source = "chat";
        Touch(entry, userId);
        _entries.Insert(entry);
        return visible is null ? FaqEditResult.Added : FaqEditResult.Updated;
    }

    /// <summary>Removes a key from this chat: its own entry goes, a global one is hidden here only.</summary>
    public FaqEditResult Delete(long chatId, string key, long userId)
    {
        var norm = FaqMatcher.Normalize(key);
        if (FindVisible(chatId, key) is null) return FaqEditResult.NotFound;
        var own = OwnEntry(chatId, norm);
        var hasGlobal = chatId != FaqEntry.Global && _entries.Where("ChatId", FaqEntry.Global).Any(e => e.NormKey == norm);
        if (!hasGlobal)
        {
            _entries.Delete(own!.Id);
            return FaqEditResult.Deleted;
        }
        var tombstone = own ?? new FaqEntry { ChatId = chatId, Key = key, NormKey = norm };
        tombstone.Hidden = true;
        tombstone.Source = "chat";
        Touch(tombstone, userId);
        _entries.Insert(tombstone);
        return FaqEditResult.Deleted;
    }

    /// <summary>Adds aliases to a key in this chat; refused when an alias already names another entry.</summary>
    public (FaqEditResult Result, string? Conflict) AddAliases(long chatId, string key, IReadOnlyList<string> aliases, long userId)
    {
        var target = FindVisible(chatId, key);
        if (target is null) return (FaqEditResult.NotFound, null);
        foreach (var alias in aliases)
        {
            var norm = FaqMatcher.Normalize(alias);
            var owner = Compute(chatId).FirstOrDefault(e => e.NormKey != target.NormKey &&
                (e.NormKey == norm || e.Aliases.Any(a => FaqMatcher.Normalize(a) == norm)));
            if (owner is not null || norm.Length == 0) return (FaqEditResult.AliasTaken, alias);
        }
        var own = OwnEntry(chatId, target.NormKey) ?? Copy(target, chatId);
        foreach (var alias in aliases)
            if (!own.Aliases.Any(a => FaqMatcher.Normalize(a) == FaqMatcher.Normalize(alias))) own.Aliases.Add(alias);
        own.Source = "chat";
        Touch(own, userId);
        _entries.Insert(own);
        return (FaqEditResult.Updated, null);
    }

    /// <summary>
    /// Brings global entries in line with config/faq.json: new keys are added, entries still as seeded are
    /// updated, entries an admin changed in chat are left alone. Keys gone from the file are removed if still as seeded.
    /// </summary>
    public (int Added, int Updated, int Removed) Sync(IReadOnlyList<FaqSeedEntry> seed)
    {
        int added = 0, updated = 0, removed = 0;
        var globals = _entries.Where("ChatId", FaqEntry.Global).ToDictionary(e => e.NormKey);
        foreach (var s in seed)
        {
            var norm = FaqMatcher.Normalize(s.Key);
            var hash = s.Hash();
            if (!globals.Remove(norm, out var entry))
            {
                entry = new FaqEntry { ChatId = FaqEntry.Global, NormKey = norm };
                added++;
            }
            else if (entry.Source != "seed" || entry.SeedHash == hash) continue;
            else updated++;
            entry.Key = s.Key;
            entry.Question = s.Question;
            entry.Answer = s.Answer;
            entry.Aliases = s.Aliases.ToList();
            entry.Source = "seed";
            entry.SeedHash = hash;
            entry.UpdatedUtc = _time.GetUtcNow().UtcDateTime;
            _entries.Insert(entry);
        }
        foreach (var stale in globals.Values.Where(e => e.Source == "seed"))
        {
            _entries.Delete(stale.Id);
            removed++;
        }
        return (added, updated, removed);
    }

    private FaqEntry? OwnEntry(long chatId, string norm) =>
        _entries.Where("ChatId", chatId).FirstOrDefault(e => e.NormKey == norm);

    private static FaqEntry Copy(FaqEntry e, long chatId) => new()
    {
        ChatId = chatId, Key = e.Key, NormKey = e.NormKey, Question = e.Question, Answer = e.Answer, Aliases = e.Aliases.ToList(),
    };

    private void Touch(FaqEntry entry, long userId)
    {
        entry.UpdatedBy = userId;
        entry.UpdatedUtc = _time.GetUtcNow().UtcDateTime;
    }
}
