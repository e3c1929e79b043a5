using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using GroupBot.Storage;
using LiteDB;

namespace GroupBot.Tests.Storage;

/// <summary>
/// Rows are written straight to BSON; the bytes must be LiteDB's (its mapper, then its serializer) for every row type the
/// bot stores, or the journal and the file would hold something else than what the rows say.
/// </summary>
public sealed class RowCodecTests
{
    private static readonly BsonMapper Mapper = new() { EmptyStringToNull = false, TrimWhitespace = false };
    private static readonly Lock MapperLock = new();
    private static readonly RowCodec Codec = new(Mapper, MapperLock);

    /// <summary>Every row type of the bot: the TRow of every Table field in its assembly.</summary>
    private static List<Type> RowTypes() =>
        typeof(Database).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(f => f.FieldType)
            .Where(t => t.IsGenericType && !t.ContainsGenericParameters && t.GetGenericTypeDefinition() == typeof(Table<,>))
            .Select(t => t.GetGenericArguments()[1])
            .Distinct()
            .ToList();

    [Fact]
    public void Every_row_type_of_the_bot_is_written_as_LiteDB_writes_it()
    {
        var types = RowTypes();
        Assert.True(types.Count >= 25, $"only {types.Count} row types found");
        Assert.Contains(typeof(GroupBot.Games.Game), types);
        var random = new Random(11);
        foreach (var type in types.Append(typeof(BsonWriterTests.Everything)).Append(typeof(Odd)))
            for (var n = 0; n < 200; n++)
                typeof(RowCodecTests).GetMethod(nameof(Check), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type)
                    .Invoke(null, [Fill(type, random, 0)!, n % 2 == 0 ? new BsonValue(random.NextInt64()) : new BsonValue("k:" + n)]);
    }

    [Fact]
    public void What_it_does_not_write_itself_is_left_to_the_mapper()
    {
        var row = new Odd
        {
            Counts = new() { ["a"] = 1, ["中"] = 2 },
            Anything = new Child { Name = "boxed" },
            Base = new SubChild { Name = "sub", Extra = 3 },
            Link = new Uri("https://example.com/x?y=1"),
            Kids = [new Child { Name = "a" }, null, new SubChild { Name = "b", Extra = 1 }],
        };
        Check(row, new BsonValue(1L));
        // and what it writes reads back as the mapper's object
        var back = Mapper.ToObject<Odd>(BsonSerializer.Deserialize(BsonWriter.Row(Codec.For<Odd>(), new BsonValue(1L), row)));
        Assert.Equal("sub", back.Base!.Name);
        Assert.IsType<SubChild>(back.Base);
        Assert.Equal(2, back.Counts["中"]);
    }

    private static void Check<T>(T row, BsonValue key) where T : class
    {
        BsonDocument doc;
        lock (MapperLock) doc = Mapper.ToDocument(row);
        doc["_id"] = key;
        var expected = BsonSerializer.Serialize(doc);
        var actual = BsonWriter.Row(Codec.For<T>(), key, row);
        if (!expected.AsSpan().SequenceEqual(actual))
            Assert.Fail($"{typeof(T).Name}: expected {doc}, written {BsonSerializer.Deserialize(actual)}");
    }

    public enum Mood { Calm, Busy }

    public class Child
    {
        public string Name { get; set; } = "";
        public int? Id { get; set; }
    }

    public sealed class SubChild : Child
    {
        public int Extra { get; set; }
    }

    /// <summary>Members of every kind the mapper treats in its own way.</summary>
    public sealed class Odd
    {
        public string Key { get; set; } = "";
        public Dictionary<string, int> Counts { get; set; } = [];
        public object? Anything { get; set; }
        public Child? Base { get; set; }
        public List<Child?> Kids { get; set; } = [];
        public int[] Numbers { get; set; } = [];
        public IReadOnlyList<string> Words { get; set; } = [];
        public IEnumerable<long> Longs { get; set; } = [];
        public Mood Mood { get; set; }
        public Mood? MaybeMood { get; set; }
        public TimeSpan Span { get; set; }
        public TimeSpan? MaybeSpan { get; set; }
        public DateTimeOffset At { get; set; }
        public DateTimeOffset? MaybeAt { get; set; }
        public short Short { get; set; }
        public uint Unsigned { get; set; }
        public ulong Huge { get; set; }
        public float Single { get; set; }
        public char Letter { get; set; }
        public byte Byte { get; set; }
        public byte[]? Bytes { get; set; }
        public Guid? MaybeGuid { get; set; }
        public Uri? Link { get; set; }
        public HashSet<int> Set { get; set; } = [];
        public bool Computed => Short > 0;
    }

    private static readonly string[] Pieces = ["a", "中", "🧧", "\n", "\"", "é", "\u0001", " ", ""];

    /// <summary>A random value of a type, nulls and edge values included.</summary>
    private static object? Fill(Type type, Random random, int depth)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner) return random.Next(3) == 0 ? null : Fill(inner, random, depth);
        if (type == typeof(string)) return random.Next(8) == 0 ? null : string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Pieces[random.Next(Pieces.Length)]));
        if (type == typeof(int)) return random.Next(4) == 0 ? 0 : random.Next(int.MinValue, int.MaxValue);
        if (type == typeof(long)) return random.NextInt64(long.MinValue, long.MaxValue);
        if (type == typeof(double)) return random.Next(10) == 0 ? double.NaN : random.NextDouble() * 1e9 - 5e8;
        if (type == typeof(decimal)) return Math.Round((decimal)random.NextDouble() * 100_000m, random.Next(0, 6));
        if (type == typeof(bool)) return random.Next(2) == 1;
        if (type == typeof(short)) return (short)random.Next(short.MinValue, short.MaxValue);
        if (type == typeof(uint)) return (uint)random.NextInt64(0, uint.MaxValue);
        if (type == typeof(ulong)) return (ulong)random.NextInt64();
        if (type == typeof(float)) return (float)random.NextDouble();
        if (type == typeof(char)) return (char)random.Next(32, 0x4E10);
        if (type == typeof(byte)) return (byte)random.Next(256);
        if (type == typeof(Guid)) return Guid.NewGuid();
        if (type == typeof(TimeSpan)) return TimeSpan.FromTicks(random.NextInt64(-1_000_000_000_000, 1_000_000_000_000));
        if (type == typeof(DateTime))
            return random.Next(10) switch
            {
                0 => DateTime.MinValue,
                1 => DateTime.MaxValue,
                // sub-millisecond ticks and every kind: the mapper cuts to the millisecond and turns a kind into UTC
                var k => new DateTime(random.NextInt64(DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay),
                    (DateTimeKind)(k % 3)),
            };
        if (type == typeof(DateTimeOffset))
            return new DateTimeOffset(new DateTime(2026, 1, 1).AddTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 3000)), TimeSpan.FromHours(random.Next(-12, 14)));
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return random.Next(5) == 0 ? Enum.ToObject(type, 99) : values.GetValue(random.Next(values.Length));
        }
        if (type == typeof(byte[])) return random.Next(4) == 0 ? null : Enumerable.Range(0, random.Next(0, 20)).Select(_ => (byte)random.Next(256)).ToArray();
        if (type == typeof(Uri)) return random.Next(2) == 0 ? null : new Uri("https://example.com/" + random.Next());
        if (type == typeof(object)) return random.Next(3) switch { 0 => null, 1 => random.Next(), _ => "x" + random.Next() };
        if (type.IsArray)
        {
            var items = Items(type.GetElementType()!, random, depth);
            var array = Array.CreateInstance(type.GetElementType()!, items.Count);
            for (var i = 0; i < items.Count; i++) array.SetValue(items[i], i);
            return array;
        }
        if (type.IsGenericType)
        {
            var args = type.GetGenericArguments();
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            {
                var dict = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
                for (var i = random.Next(0, 4); i > 0; i--)
                    if (Fill(args[0], random, depth + 1) is { } k) dict[k] = Fill(args[1], random, depth + 1);
                return dict;
            }
            if (typeof(IEnumerable).IsAssignableFrom(type))
            {
                var made = definition == typeof(HashSet<>) ? typeof(HashSet<>).MakeGenericType(args) : typeof(List<>).MakeGenericType(args);
                var collection = Activator.CreateInstance(made)!;
                var add = made.GetMethod("Add")!;
                foreach (var item in Items(args[0], random, depth)) add.Invoke(collection, [item]);
                return collection;
            }
        }
        if (!type.IsClass || type.IsAbstract) return null;
        if (depth > 2) return null;
        var row = type.GetConstructor(Type.EmptyTypes) is { } ctor ? ctor.Invoke(null) : RuntimeHelpers.GetUninitializedObject(type);
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0 && (random.Next(10) > 0 || !p.PropertyType.IsClass))
                p.SetValue(row, Fill(p.PropertyType, random, depth + 1));
        return row;
    }

    private static List<object?> Items(Type item, Random random, int depth) =>
        Enumerable.Range(0, depth > 2 ? 0 : random.Next(0, 6)).Select(_ => Fill(item, random, depth + 1)).Where(x => x is not null || !item.IsValueType).ToList();
}
