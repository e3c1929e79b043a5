using LiteDB;

namespace GroupBot.Storage;

/// <summary>What the database needs of every table, whatever its row type.</summary>
internal interface ITable
{
    string Name { get; }
    BsonValue KeyToBson(object key);
    /// <summary>The row's document in BSON, with the key as its _id.</summary>
    byte[] ToBson(object key, object row);
    /// <summary>Makes a committed write visible (caller holds the database gate); <paramref name="doc"/> is the row's BSON.</summary>
    void Apply(object key, object? row, byte[]? doc);
    /// <summary>
    /// Takes the writes not yet in LiteDB, for the writer behind (caller holds the gate); <paramref name="fresh"/> are the
    /// keys among them that LiteDB does not have (an insert, no lookup first).
    /// </summary>
    Dictionary<object, byte[]?> TakeDirty(out HashSet<object> fresh);
    void DropFrozen();
    /// <summary>Puts taken writes back after the writer behind failed (a newer write of a key wins).</summary>
    void Unfreeze(Dictionary<object, byte[]?> taken);
    /// <summary>Reads a committed row back after a failed unit changed it in place.</summary>
    void Restore(object key);
    /// <summary>Every row whose ChatId is the old chat, moved to the new one (a group became a supergroup).</summary>
    void MigrateChat(long oldChatId, long newChatId);
}

/// <summary>
/// A table: every row in memory with its indexes, so a read costs a dictionary lookup. Writes go through the current
/// <see cref="Unit"/>; LiteDB is written behind, in batches (see Database). Rows are plain classes: a caller that
/// changes a row it read must Put it in the same unit (a failed unit's rows are read back from the store).
/// </summary>
public sealed class Table<TKey, TRow> : ITable where TKey : notnull where TRow : class
{
    private readonly Database _db;
    private readonly Func<TRow, TKey> _keyOf;
    private readonly Action<TRow, TKey>? _setKey;
    private readonly Dictionary<TKey, TRow> _rows = [];
    private readonly Dictionary<string, RowIndex> _indexes = [];
    private Dictionary<object, byte[]?> _dirty = [];
    private Dictionary<object, byte[]?>? _frozen;
    private RowCodec.Writer<TRow>? _writer;
    /// <summary>Keys put since the writer behind last took the dirty rows that are not in LiteDB (under the gate).</summary>
    private HashSet<object> _fresh = [];
    private long _lastId;

    internal Table(Database db, string name, Func<TRow, TKey> keyOf, Action<TRow, TKey>? setKey, IEnumerable<TRow> stored)
    {
        _db = db;
        Name = name;
        _keyOf = keyOf;
        _setKey = setKey;
        foreach (var row in stored) Replace(keyOf(row), row);
    }

    /// <summary>Puts a row in place of the one under its key (null: none), with its index entries; returns the one it replaced.</summary>
    private TRow? Replace(TKey key, TRow? row)
    {
        if (row is null)
        {
            if (_rows.Remove(key, out var gone))
                foreach (var ix in _indexes.Values) ix.RemoveKey(key);
            return gone;
        }
        _rows.Remove(key, out var old);
        _rows[key] = row;
        // Most writes leave the indexed values as they were: the index is touched only where one changed.
        foreach (var ix in _indexes.Values) ix.Set(key, ix.ValueOf(row));
        // A numbered table's next key stays above every key it holds.
        long id = key switch { int i => i, long l => l, _ => 0 };
        if (id > Interlocked.Read(ref _lastId)) Interlocked.Exchange(ref _lastId, id);
        return old;
    }

    public string Name { get; }

    /// <summary>
    /// Raised for every committed write, under the database's gate, with the row before (null: new) and after (null:
    /// deleted); a row changed in place arrives as the same object twice. For stores that keep running totals.
    /// </summary>
    public event Action<TRow?, TRow?>? Committed;

    /// <summary>The rows the current unit has put and not yet committed (none without a unit).</summary>
    public List<TRow> Uncommitted() =>
        Unit.Current is { } unit ? unit.WritesOf(this).Select(w => w.Row).OfType<TRow>().ToList() : [];

    /// <summary>True when the current unit has put or deleted a row of this table.</summary>
    public bool ChangedInThisUnit => Unit.Current is { } unit && unit.Wrote(this);

    public int Count
    {
        get { lock (_db.Gate) return _rows.Count; }
    }

    /// <summary>Adds an index on a value of the row (null values are not indexed). Declare indexes right after the table.</summary>
    public Table<TKey, TRow> Index(string name, Func<TRow, object?> valueOf)
    {
        lock (_db.Gate)
        {
            var index = new RowIndex(valueOf);
            foreach (var (key, row) in _rows) index.Add(valueOf(row), key);
            _indexes[name] = index;
        }
        return this;
    }

    /// <summary>A new key for a table of numbered rows (the highest stored + 1).</summary>
    public TKey NextId()
    {
        var next = Interlocked.Increment(ref _lastId);
        return (TKey)(typeof(TKey) == typeof(int) ? (object)checked((int)next) : next);
    }

    public TRow? Get(TKey key)
    {
        var unit = Unit.Current;
        if (unit is not null && unit.TryGet(this, key, out var own)) return (TRow?)own;
        TRow? row;
        lock (_db.Gate) _rows.TryGetValue(key, out row);
        if (row is not null) unit?.Touch(this, key);
        return row;
    }

    public bool Exists(TKey key) => Get(key) is not null;

    /// <summary>Rows whose indexed value equals <paramref name="value"/>, including the current unit's writes.</summary>
    public List<TRow> Where(string index, object value)
    {
        var ix = _indexes[index];
        var unit = Unit.Current;
        var found = new List<TRow>();
        lock (_db.Gate)
        {
            if (ix.Keys.TryGetValue(value, out var keys))
                foreach (var key in keys)
                {
                    if (unit is not null && unit.TryGet(this, key, out _)) continue;
                    var row = _rows[key];
                    // A row changed in place but not yet put may no longer match.
                    if (!Equals(ix.ValueOf(row), value)) continue;
                    found.Add(row);
                    unit?.Touch(this, key);
                }
        }
        if (unit is not null)
            foreach (var write in unit.WritesOf(this))
                if (write.Row is TRow row && Equals(ix.ValueOf(row), value)) found.Add(row);
        return found;
    }

    /// <summary>The first row of <see cref="Where"/>, or null.</summary>
    public TRow? FirstWhere(string index, object value) => Where(index, value).FirstOrDefault();

    /// <summary>Every row (a snapshot), including the current unit's writes. For reports and rare scans.</summary>
    public List<TRow> All()
    {
        var unit = Unit.Current;
        List<TRow> all;
        lock (_db.Gate)
        {
            all = unit is null ? [.. _rows.Values] : _rows.Where(r => !unit.TryGet(this, r.Key, out _)).Select(r => r.Value).ToList();
        }
        if (unit is not null)
            foreach (var write in unit.WritesOf(this))
                if (write.Row is TRow row) all.Add(row);
        return all;
    }

    /// <summary>Every committed row, whatever the current unit wrote (for stores rebuilding their running totals).</summary>
    public List<TRow> AllCommitted()
    {
        lock (_db.Gate) return [.. _rows.Values];
    }

    /// <summary>Writes the row in the current unit (with none, as a unit of its own: tools and store tests).</summary>
    public void Put(TRow row) => Write(_keyOf(row), row);

    /// <summary>Gives a numbered row its key (when it has none) and writes it.</summary>
    public TRow Insert(TRow row)
    {
        if (_setKey is not null && EqualityComparer<TKey>.Default.Equals(_keyOf(row), default!)) _setKey(row, NextId());
        Put(row);
        return row;
    }

    public void Delete(TKey key) => Write(key, null);

    private void Write(TKey key, TRow? row)
    {
        if (Unit.Current is { } unit) unit.Put(this, key, row);
        else _db.Write(() => Unit.Current!.Put(this, key, row));
    }

    BsonValue ITable.KeyToBson(object key) => new(key);

    byte[] ITable.ToBson(object key, object row) => BsonWriter.Row(_writer ??= _db.Codec.For<TRow>(), new BsonValue(key), (TRow)row);

    void ITable.Apply(object key, object? row, byte[]? doc)
    {
        var old = Replace((TKey)key, row as TRow);
        Committed?.Invoke(old, row as TRow);
        if (row is null)
        {
            // A row put and deleted between two copies never reaches LiteDB (inbox updates, sent outbox items): a
            // delete there would only search its index for nothing.
            if (_fresh.Remove(key)) _dirty.Remove(key);
            else _dirty[key] = null;
            return;
        }
        // Not committed before and no change of the key on its way into LiteDB: the file has no such row.
        if (old is null && !_dirty.ContainsKey(key) && !(_frozen?.ContainsKey(key) ?? false)) _fresh.Add(key);
        _dirty[key] = doc;
    }

    Dictionary<object, byte[]?> ITable.TakeDirty(out HashSet<object> fresh)
    {
        var taken = _dirty;
        _frozen = taken;
        _dirty = [];
        fresh = _fresh;
        _fresh = [];
        return taken;
    }

    void ITable.DropFrozen() => _frozen = null;

    void ITable.Unfreeze(Dictionary<object, byte[]?> taken)
    {
        foreach (var (key, doc) in taken) _dirty.TryAdd(key, doc);
        _frozen = null;
    }

    void ITable.Restore(object key)
    {
        var k = (TKey)key;
        byte[]? bytes = null;
        bool known;
        lock (_db.Gate)
        {
            known = _dirty.TryGetValue(key, out bytes) || (_frozen?.TryGetValue(key, out bytes) ?? false);
        }
        var doc = known ? bytes is null ? null : BsonSerializer.Deserialize(bytes, utcDate: true) : _db.ReadStored(Name, new BsonValue(key));
        var row = doc is null ? null : _db.ToObject<TRow>(doc);
        lock (_db.Gate)
        {
            var changed = Replace(k, row);
            // The row is the stored one again: whoever keeps totals hears of it as of any change.
            if (changed is not null || row is not null) Committed?.Invoke(changed, row);
        }
    }

    void ITable.MigrateChat(long oldChatId, long newChatId)
    {
        var property = typeof(TRow).GetProperty("ChatId");
        if (property is null || property.PropertyType != typeof(long)) return;
        foreach (var row in All().Where(r => (long)property.GetValue(r)! == oldChatId))
        {
            var oldKey = _keyOf(row);
            property.SetValue(row, newChatId);
            var newKey = _keyOf(row);
            // A key made from the chat id changes with it: the row moves.
            if (!EqualityComparer<TKey>.Default.Equals(oldKey, newKey)) Delete(oldKey);
            Put(row);
        }
    }

    /// <summary>value → keys of the rows with that value; and each row's value when indexed, to remove it on change.</summary>
    private sealed class RowIndex(Func<TRow, object?> valueOf)
    {
        public Func<TRow, object?> ValueOf { get; } = valueOf;
        public Dictionary<object, HashSet<TKey>> Keys { get; } = [];
        private readonly Dictionary<TKey, object> _valueOfKey = [];

        public void Add(object? value, TKey key)
        {
            if (value is null) return;
            if (!Keys.TryGetValue(value, out var set)) Keys[value] = set = [];
            set.Add(key);
            _valueOfKey[key] = value;
        }

        /// <summary>Indexes the key under <paramref name="value"/> (null: under none), unless it is there already.</summary>
        public void Set(TKey key, object? value)
        {
            if (_valueOfKey.TryGetValue(key, out var current))
            {
                if (Equals(current, value)) return;
                RemoveKey(key);
            }
            Add(value, key);
        }

        public void RemoveKey(TKey key)
        {
            if (!_valueOfKey.Remove(key, out var value)) return;
            if (Keys.TryGetValue(value, out var set) && set.Remove(key) && set.Count == 0) Keys.Remove(value);
        }
    }
}
