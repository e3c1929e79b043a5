namespace GroupBot.Storage;

/// <summary>
/// One event's writes: everything a handler puts or deletes, in any table, commits together or not at all. Reads through
/// a table see the unit's own writes first. The unit is ambient (<see cref="Current"/>) for the async flow that began it,
/// so stores need no extra parameter; a write with no unit is a programming error.
/// After-commit actions (handing replies to the sender, setting timers) run only once the unit is durable: nothing
/// reaches Telegram before the unit that produced it is committed.
/// </summary>
public sealed class Unit : IDisposable
{
    private static readonly AsyncLocal<Unit?> Ambient = new();
    private readonly Database _db;
    private readonly Unit? _outer;
    private readonly Dictionary<(ITable Table, object Key), int> _index = [];
    private readonly List<UnitWrite> _writes = [];
    private readonly List<(ITable Table, object Key)> _touched = [];
    private readonly List<Action> _afterCommit = [];
    private bool _done;

    internal Unit(Database db)
    {
        _db = db;
        // The nearest unit still open, not the ambient one: an ended unit stays ambient in a caller whose unit committed
        // inside an async method, and linking to it would chain every unit a loop ever began (and their writes) together.
        _outer = Current;
        Ambient.Value = this;
    }

    /// <summary>The unit of the running event, if any.</summary>
    public static Unit? Current
    {
        get
        {
            // An async method's change to an AsyncLocal does not flow back to its caller, so an ended unit may still be
            // the ambient one there: skip ended units.
            for (var u = Ambient.Value; u is not null; u = u._outer)
                if (!u._done) return u;
            return null;
        }
    }

    internal IReadOnlyList<UnitWrite> Writes => _writes;

    internal IReadOnlyList<(ITable Table, object Key)> Touched => _touched;

    public bool HasWrites => _writes.Count > 0;

    internal void Put(ITable table, object key, object? row)
    {
        if (_index.TryGetValue((table, key), out var at)) _writes[at] = new UnitWrite(table, key, row);
        else
        {
            _index[(table, key)] = _writes.Count;
            _writes.Add(new UnitWrite(table, key, row));
        }
    }

    /// <summary>True when this unit wrote the key: row is the new value, or null for a delete.</summary>
    internal bool TryGet(ITable table, object key, out object? row)
    {
        if (_index.TryGetValue((table, key), out var at))
        {
            row = _writes[at].Row;
            return true;
        }
        row = null;
        return false;
    }

    internal IEnumerable<UnitWrite> WritesOf(ITable table) => _writes.Where(w => w.Table == table);

    internal bool Wrote(ITable table)
    {
        foreach (var w in _writes)
            if (w.Table == table) return true;
        return false;
    }

    /// <summary>A committed row this unit read: restored from the store if the unit fails (it may have changed it in place).</summary>
    internal void Touch(ITable table, object key) => _touched.Add((table, key));

    /// <summary>Runs once the unit is durable (in order of registration).</summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>Makes the writes visible to everyone at once, waits until they are on disk, then runs the after-commit actions.</summary>
    public async Task CommitAsync()
    {
        if (_done) throw new InvalidOperationException("The unit has ended already");
        var durable = _db.Commit(this);
        End();
        await durable.ConfigureAwait(false);
        foreach (var action in _afterCommit) action();
    }

    /// <summary>Synchronous commit for start-up and maintenance code that is not on an event's path.</summary>
    public void Commit() => CommitAsync().GetAwaiter().GetResult();

    /// <summary>Drops the writes; committed rows the unit read (and may have changed in place) are read back from the store.</summary>
    public void Rollback()
    {
        if (_done) return;
        End();
        _db.Restore(this);
    }

    private void End()
    {
        _done = true;
        if (Ambient.Value == this) Ambient.Value = _outer;
    }

    public void Dispose() => Rollback();
}

/// <summary>A put (Row set) or a delete (Row null) of one key.</summary>
internal readonly record struct UnitWrite(ITable Table, object Key, object? Row);
