using LiteDB;
using LiteDB.Engine;

namespace GroupBot.Storage;

/// <summary>
/// LiteDB's engine with one gate around every write and every explicit transaction. LiteDB 5.0.20 (the newest the
/// package feed serves) locks writers per collection only, and two writers in different collections race on the
/// header page's free-page list when one of them frees pages (a delete): the file is then corrupt ("empty page must
/// be defined as empty type") and every later write fails (LiteDB issues #2503 and #2825, fixed after 5.0.20).
/// Reads stay concurrent. The gate is a Monitor because LiteDB binds an explicit transaction to its thread too.
/// Do not write while iterating a lazy query: LiteDB would hold that collection's lock until the iteration ends,
/// outside the gate, and two such threads could wait on each other.
/// </summary>
public sealed class SerializedWritesEngine(ILiteEngine inner) : ILiteEngine
{
    private readonly Lock _gate = new();

    private T Write<T>(Func<T> write)
    {
        lock (_gate) return write();
    }

    public bool BeginTrans()
    {
        // Held until this thread's Commit or Rollback; re-entrant, so writes inside the transaction pass.
        _gate.Enter();
        try
        {
            return inner.BeginTrans();
        }
        catch
        {
            _gate.Exit();
            throw;
        }
    }

    public bool Commit() => EndTransaction(inner.Commit);

    public bool Rollback() => EndTransaction(inner.Rollback);

    private bool EndTransaction(Func<bool> end)
    {
        try
        {
            return end();
        }
        finally
        {
            if (_gate.IsHeldByCurrentThread) _gate.Exit();
        }
    }

    public IBsonDataReader Query(string collection, Query query) => inner.Query(collection, query);
    public BsonValue Pragma(string name) => inner.Pragma(name);
    public int Checkpoint() => Write(inner.Checkpoint);
    public long Rebuild(RebuildOptions options) => Write(() => inner.Rebuild(options));
    public int Insert(string collection, IEnumerable<BsonDocument> docs, BsonAutoId autoId) => Write(() => inner.Insert(collection, docs, autoId));
    public int Update(string collection, IEnumerable<BsonDocument> docs) => Write(() => inner.Update(collection, docs));
    public int UpdateMany(string collection, BsonExpression transform, BsonExpression predicate) => Write(() => inner.UpdateMany(collection, transform, predicate));
    public int Upsert(string collection, IEnumerable<BsonDocument> docs, BsonAutoId autoId) => Write(() => inner.Upsert(collection, docs, autoId));
    public int Delete(string collection, IEnumerable<BsonValue> ids) => Write(() => inner.Delete(collection, ids));
    public int DeleteMany(string collection, BsonExpression predicate) => Write(() => inner.DeleteMany(collection, predicate));
    public bool DropCollection(string name) => Write(() => inner.DropCollection(name));
    public bool RenameCollection(string name, string newName) => Write(() => inner.RenameCollection(name, newName));
    public bool EnsureIndex(string collection, string name, BsonExpression expression, bool unique) => Write(() => inner.EnsureIndex(collection, name, expression, unique));
    public bool DropIndex(string collection, string name) => Write(() => inner.DropIndex(collection, name));
    public bool Pragma(string name, BsonValue value) => Write(() => inner.Pragma(name, value));
    public void Dispose() => inner.Dispose();
}
