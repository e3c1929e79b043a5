using System.Buffers.Binary;
using System.Text;
using LiteDB;

namespace GroupBot.Storage;

/// <summary>
/// Writes BSON byte for byte as LiteDB's <c>BsonSerializer.Serialize</c> does (so <c>BsonSerializer.Deserialize</c> reads
/// it back), into one growing buffer per thread: LiteDB's writer counts every document's size first and then writes
/// through its page segments a byte at a time, and every unit's journal record went through it.
/// </summary>
internal sealed class BsonWriter
{
    [ThreadStatic] private static BsonWriter? _ofThread;
    private static readonly string[] Indexes = Enumerable.Range(0, 256).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    private byte[] _buffer = new byte[4096];
    private int _at;

    /// <summary>
    /// The journal record of a unit's writes: <c>{ w: [ { t: table, k: key, d: document or null } … ] }</c>, the documents
    /// given as their BSON bytes (see <see cref="Row{T}"/>).
    /// </summary>
    public static byte[] Record(IReadOnlyList<(string Table, BsonValue Key, byte[]? Doc)> ops)
    {
        var w = Reset();
        var record = w.Begin();
        w.Element(0x04, "w");
        var array = w.Begin();
        for (var i = 0; i < ops.Count; i++)
        {
            w.Element(0x03, IndexName(i));
            var op = w.Begin();
            w.Value("t", ops[i].Table);
            w.Value("k", ops[i].Key);
            if (ops[i].Doc is { } doc)
            {
                w.Element(0x03, "d");
                w.Raw(doc);
            }
            else w.Element(0x0A, "d");
            w.End(op);
        }
        w.End(array);
        w.End(record);
        return w.Taken();
    }

    /// <summary>A row as LiteDB's mapper and serializer would give it, with <paramref name="key"/> as its _id (first).</summary>
    public static byte[] Row<T>(RowCodec.Writer<T> codec, BsonValue key, T row) where T : class
    {
        var w = Reset();
        var start = w.Begin();
        w.Value("_id", key);
        codec.Members(w, row, skipId: true);
        w.End(start);
        return w.Taken();
    }

    /// <summary>A document alone, as <c>BsonSerializer.Serialize</c> gives it (for the tests that hold the two equal).</summary>
    public static byte[] Serialize(BsonDocument doc)
    {
        var w = new BsonWriter();
        w.Document(doc);
        return w._buffer.AsSpan(0, w._at).ToArray();
    }

    private static BsonWriter Reset()
    {
        var w = _ofThread ??= new BsonWriter();
        w._at = 0;
        return w;
    }

    private byte[] Taken()
    {
        var bytes = _buffer.AsSpan(0, _at).ToArray();
        // A rare huge unit does not keep its buffer alive on the thread.
        if (_buffer.Length > 1 << 20) _buffer = new byte[4096];
        return bytes;
    }

    internal static string Index(int i) => i < Indexes.Length ? Indexes[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly byte[][] IndexNames = Enumerable.Range(0, 1024).Select(i => NameBytes(Index(i))).ToArray();

    /// <summary>An array item's name ("0", "1", …) as element name bytes.</summary>
    internal static byte[] IndexName(int i) => i < IndexNames.Length ? IndexNames[i] : NameBytes(Index(i));

    internal int Begin()
    {
        var start = _at;
        Room(4);
        _at += 4;
        return start;
    }

    internal void End(int start)
    {
        Byte(0);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(start), _at - start);
    }

    private void Document(BsonDocument doc)
    {
        var start = Begin();
        // LiteDB writes _id first, then the rest in the order they were set.
        if (doc.TryGetValue("_id", out var id)) Value("_id", id);
        foreach (var (key, value) in doc)
            if (key != "_id") Value(key, value);
        End(start);
    }

    private void Array(BsonArray array)
    {
        var start = Begin();
        for (var i = 0; i < array.Count; i++) Value(Index(i), array[i]);
        End(start);
    }

    /// <summary>An element's type and name, the name given as its UTF-8 bytes with the closing zero.</summary>
    internal void Element(byte type, byte[] name)
    {
        Room(name.Length + 1);
        _buffer[_at++] = type;
        name.CopyTo(_buffer, _at);
        _at += name.Length;
    }

    internal static byte[] NameBytes(string key) => [.. Encoding.UTF8.GetBytes(CheckName(key)), 0];

    private static string CheckName(string key) =>
        key.Contains('\0') ? throw new ArgumentException($"A BSON field name may not contain a null character: {key}") : key;

    /// <summary>A name given as its bytes, back as a string (for the rare element written through a BsonValue).</summary>
    internal static string NameOf(byte[] name) => Encoding.UTF8.GetString(name, 0, name.Length - 1);

    internal void Element(byte type, string key)
    {
        Byte(type);
        var count = Encoding.UTF8.GetByteCount(CheckName(key));
        Room(count + 1);
        _at += Encoding.UTF8.GetBytes(key, _buffer.AsSpan(_at));
        _buffer[_at++] = 0;
    }

    internal void Value(string key, BsonValue value)
    {
        switch (value.Type)
        {
            case BsonType.Double:
                Element(0x01, key);
                Int64(BitConverter.DoubleToInt64Bits(value.AsDouble));
                break;
            case BsonType.String:
                Element(0x02, key);
                String(value.AsString);
                break;
            case BsonType.Document:
                Element(0x03, key);
                Document(value.AsDocument);
                break;
            case BsonType.Array:
                Element(0x04, key);
                Array(value.AsArray);
                break;
            case BsonType.Binary:
                Element(0x05, key);
                var bytes = value.AsBinary;
                Int32(bytes.Length);
                Byte(0x00);
                Room(bytes.Length);
                bytes.CopyTo(_buffer, _at);
                _at += bytes.Length;
                break;
            case BsonType.Guid:
                Element(0x05, key);
                Int32(16);
                Byte(0x04);
                Room(16);
                value.AsGuid.TryWriteBytes(_buffer.AsSpan(_at));
                _at += 16;
                break;
            case BsonType.ObjectId:
                Element(0x07, key);
                Room(12);
                value.AsObjectId.ToByteArray(_buffer, _at);
                _at += 12;
                break;
            case BsonType.Boolean:
                Element(0x08, key);
                Byte((byte)(value.AsBoolean ? 1 : 0));
                break;
            case BsonType.DateTime:
                Element(0x09, key);
                Date(value.AsDateTime);
                break;
            case BsonType.Null:
                Element(0x0A, key);
                break;
            case BsonType.Int32:
                Element(0x10, key);
                Int32(value.AsInt32);
                break;
            case BsonType.Int64:
                Element(0x12, key);
                Int64(value.AsInt64);
                break;
            case BsonType.Decimal:
                Element(0x13, key);
                Decimal(value.AsDecimal);
                break;
            case BsonType.MinValue:
                Element(0xFF, key);
                break;
            case BsonType.MaxValue:
                Element(0x7F, key);
                break;
        }
    }

    /// <summary>A string's payload: its length with the zero, its UTF-8 bytes, the zero.</summary>
    internal void String(string s)
    {
        var count = Encoding.UTF8.GetByteCount(s);
        Int32(count + 1);
        Room(count + 1);
        _at += Encoding.UTF8.GetBytes(s, _buffer.AsSpan(_at));
        _buffer[_at++] = 0;
    }

    /// <summary>A date as a BsonValue holds it (cut to the millisecond) and LiteDB writes it.</summary>
    internal void Date(DateTime date)
    {
        if (date != DateTime.MinValue && date != DateTime.MaxValue)
            date = new DateTime(date.Ticks - date.Ticks % TimeSpan.TicksPerMillisecond, date.Kind);
        // As LiteDB: min and max stay as they are, anything else is stored as UTC milliseconds since 1970.
        var utc = date == DateTime.MinValue || date == DateTime.MaxValue ? date : date.ToUniversalTime();
        Int64(Convert.ToInt64((utc - BsonValue.UnixEpoch).TotalMilliseconds));
    }

    internal void Decimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        foreach (var b in bits) Int32(b);
    }

    /// <summary>Bytes already in BSON (a document written before).</summary>
    internal void Raw(byte[] bytes)
    {
        Room(bytes.Length);
        bytes.CopyTo(_buffer, _at);
        _at += bytes.Length;
    }

    internal void Byte(byte b)
    {
        Room(1);
        _buffer[_at++] = b;
    }

    internal void Int32(int v)
    {
        Room(4);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_at), v);
        _at += 4;
    }

    internal void Int64(long v)
    {
        Room(8);
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_at), v);
        _at += 8;
    }

    private void Room(int bytes)
    {
        if (_at + bytes <= _buffer.Length) return;
        System.Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _at + bytes));
    }
}
