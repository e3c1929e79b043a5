using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using LiteDB;

namespace GroupBot.Storage;

/// <summary>
/// Writes rows straight into BSON, the very bytes LiteDB's <c>BsonMapper.ToDocument</c> followed by its serializer gives
/// (<c>RowCodecTests</c> hold the two equal for every row type of the bot). The mapper builds a document of boxed values
/// under a lock for every row of every unit, and that was a tenth of the bot's time; here each member is read by a typed
/// getter and written at once. The members, their names and their order come from the mapper itself, and whatever this
/// does not know (dictionaries, interfaces, a subclass in a member, custom member serializers) is left to the mapper.
/// </summary>
internal sealed class RowCodec
{
    private readonly BsonMapper _mapper;
    private readonly Lock _mapperLock;
    private readonly ConcurrentDictionary<Type, object> _values = new();

    public RowCodec(BsonMapper mapper, Lock mapperLock)
    {
        // The rules below are the mapper's defaults for these; another setting would need its own rule here.
        if (mapper.EmptyStringToNull || mapper.TrimWhitespace || mapper.EnumAsInteger || mapper.SerializeNullValues || mapper.IncludeFields
            || mapper.IncludeNonPublic)
            throw new NotSupportedException("The row writer follows a mapper that keeps strings as they are, enums as names and leaves nulls out");
        _mapper = mapper;
        _mapperLock = mapperLock;
    }

    private static readonly MethodInfo EntityMapperOf = typeof(BsonMapper).GetMethod("GetEntityMapper", BindingFlags.Instance | BindingFlags.NonPublic, [typeof(Type)])
        ?? throw new InvalidOperationException("This LiteDB has no BsonMapper.GetEntityMapper(Type): the row writer was made for 5.0.x");

    public Writer<T> For<T>() where T : class => (Writer<T>)ValueOf<T>();

    private Value<T> ValueOf<T>() => (Value<T>)_values.GetOrAdd(typeof(T), _ => Make<T>());

    /// <summary>The value writer for a declared type, as the mapper's Serialize would treat a value of it.</summary>
    private Value<T> Make<T>()
    {
        var type = typeof(T);
        // The mapper's own custom types first, as it looks there first too: DateTimeOffset as its UTC date, TimeSpan as its ticks.
        if (type == typeof(DateTimeOffset)) return Fixed<T, DateTimeOffset>(0x09, static (w, v) => w.Date(v.UtcDateTime));
        if (type == typeof(TimeSpan)) return Fixed<T, TimeSpan>(0x12, static (w, v) => w.Int64(v.Ticks));
        if (type == typeof(string)) return Fixed<T, string>(0x02, static (w, v) => w.String(v));
        if (type == typeof(int)) return Fixed<T, int>(0x10, static (w, v) => w.Int32(v));
        if (type == typeof(long)) return Fixed<T, long>(0x12, static (w, v) => w.Int64(v));
        if (type == typeof(double)) return Fixed<T, double>(0x01, static (w, v) => w.Int64(BitConverter.DoubleToInt64Bits(v)));
        if (type == typeof(decimal)) return Fixed<T, decimal>(0x13, static (w, v) => w.Decimal(v));
        if (type == typeof(bool)) return Fixed<T, bool>(0x08, static (w, v) => w.Byte((byte)(v ? 1 : 0)));
        if (type == typeof(DateTime)) return Fixed<T, DateTime>(0x09, static (w, v) => w.Date(v));
        // Bytes and Guids are BsonValues of their own (binary), not an array and an object.
        if (type == typeof(byte[]) || type == typeof(Guid)) return new MapperValue<T>(this);
        if (type.IsEnum) return Generic<T>(typeof(EnumValue<>), type);
        if (Nullable.GetUnderlyingType(type) is { } inner && IsPlain(inner)) return Generic<T>(typeof(NullableValue<>), inner);
        if (type.IsArray && type.GetArrayRank() == 1) return Generic<T>(typeof(ListValue<,>), type, type.GetElementType()!);
        if (type.IsGenericType && !typeof(IDictionary).IsAssignableFrom(type))
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(ICollection<>))
                return Generic<T>(typeof(ListValue<,>), type, type.GetGenericArguments()[0]);
        }
        if (type.IsClass && !type.IsAbstract && type != typeof(object) && !typeof(IEnumerable).IsAssignableFrom(type)
            && !typeof(BsonValue).IsAssignableFrom(type) && type != typeof(Uri) && type != typeof(System.Text.RegularExpressions.Regex))
            return (Value<T>)Activator.CreateInstance(typeof(Writer<>).MakeGenericType(type), this)!;
        return new MapperValue<T>(this);
    }

    /// <summary>Types whose Nullable is written as the type itself (anything else in a Nullable goes to the mapper).</summary>
    private static bool IsPlain(Type type) =>
        type.IsEnum || type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(decimal) || type == typeof(bool)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid);

    private static Value<T> Fixed<T, TValue>(byte type, Action<BsonWriter, TValue> payload) => (Value<T>)(object)new FixedValue<TValue>(type, payload);

    private Value<T> Generic<T>(Type definition, params Type[] arguments)
    {
        var made = definition.MakeGenericType(arguments);
        var ctor = made.GetConstructors()[0];
        return (Value<T>)(ctor.GetParameters().Length == 0 ? Activator.CreateInstance(made)! : Activator.CreateInstance(made, this)!);
    }

    /// <summary>The element as the mapper makes it of a value of the declared type (what this codec leaves to it).</summary>
    private void WriteByMapper(BsonWriter w, byte[] name, Type declared, object value)
    {
        BsonValue bson;
        lock (_mapperLock) bson = _mapper.Serialize(declared, value);
        w.Value(BsonWriter.NameOf(name), bson);
    }

    /// <summary>Writes one value of a declared type as an element.</summary>
    internal abstract class Value<T>
    {
        /// <summary>
        /// The element <paramref name="name"/> with <paramref name="value"/>. A null in a document is left out, as the mapper
        /// does; in an array (<paramref name="keepNull"/>) it is a BSON null.
        /// </summary>
        public void Write(BsonWriter w, byte[] name, T value, bool keepNull)
        {
            if (value is not null) WriteValue(w, name, value);
            else if (keepNull) w.Element(0x0A, name);
        }

        /// <summary>The element of a value that is not null.</summary>
        protected abstract void WriteValue(BsonWriter w, byte[] name, T value);
    }

    /// <summary>A value of one BSON type: the type, then its payload.</summary>
    private sealed class FixedValue<T>(byte type, Action<BsonWriter, T> payload) : Value<T>
    {
        protected override void WriteValue(BsonWriter w, byte[] name, T value)
        {
            w.Element(type, name);
            payload(w, value);
        }
    }

    /// <summary>Enums as their names (the mapper's default, EnumAsInteger off).</summary>
    private sealed class EnumValue<TEnum> : Value<TEnum> where TEnum : struct, Enum
    {
        protected override void WriteValue(BsonWriter w, byte[] name, TEnum value)
        {
            w.Element(0x02, name);
            w.String(value.ToString());
        }
    }

    private sealed class NullableValue<TInner>(RowCodec codec) : Value<TInner?> where TInner : struct
    {
        private readonly Value<TInner> _inner = codec.ValueOf<TInner>();

        protected override void WriteValue(BsonWriter w, byte[] name, TInner? value) => _inner.Write(w, name, value!.Value, keepNull: false);
    }

    private sealed class ListValue<TList, TItem>(RowCodec codec) : Value<TList> where TList : IEnumerable<TItem>
    {
        private readonly RowCodec _codec = codec;
        private Value<TItem>? _item;

        protected override void WriteValue(BsonWriter w, byte[] name, TList value)
        {
            // The mapper takes a dictionary behind a list's type for a document: so does it here.
            if (value is IDictionary)
            {
                _codec.WriteByMapper(w, name, typeof(TList), value);
                return;
            }
            var item = _item ??= _codec.ValueOf<TItem>();
            w.Element(0x04, name);
            var start = w.Begin();
            var i = 0;
            if (value is List<TItem> list)
                foreach (var x in list) item.Write(w, BsonWriter.IndexName(i++), x, keepNull: true);
            else
                foreach (var x in value) item.Write(w, BsonWriter.IndexName(i++), x, keepNull: true);
            w.End(start);
        }
    }

    /// <summary>Anything this codec does not write itself: the mapper's value, written as it is.</summary>
    private sealed class MapperValue<T>(RowCodec codec) : Value<T>
    {
        protected override void WriteValue(BsonWriter w, byte[] name, T value) => codec.WriteByMapper(w, name, typeof(T), value!);
    }

    /// <summary>A class's members, in the mapper's order, as a document (a row's, or one inside a row).</summary>
    internal sealed class Writer<T> : Value<T> where T : class
    {
        private readonly RowCodec _codec;
        private Member[]? _members;

        public Writer(RowCodec codec) => _codec = codec;

        protected override void WriteValue(BsonWriter w, byte[] name, T value)
        {
            // A subclass where the class is declared: the mapper adds its _type, and only it knows how.
            if (value.GetType() != typeof(T))
            {
                _codec.WriteByMapper(w, name, typeof(T), value);
                return;
            }
            w.Element(0x03, name);
            var start = w.Begin();
            Members(w, value, skipId: false);
            w.End(start);
        }

        /// <summary>
        /// The members as elements: _id first (LiteDB writes a document's _id first), a null _id kept, other nulls left out.
        /// A row's _id is its table key, written by the caller (<paramref name="skipId"/>).
        /// </summary>
        public void Members(BsonWriter w, T row, bool skipId)
        {
            var members = _members ??= Build();
            foreach (var m in members)
                if (!(skipId && m.IsId)) m.Write(w, row);
        }

        private Member[] Build()
        {
            EntityMapper entity;
            lock (_codec._mapperLock) entity = (EntityMapper)EntityMapperOf.Invoke(_codec._mapper, [typeof(T)])!;
            var members = entity.Members.Where(m => m.Getter is not null).Select(m => Member.For(_codec, m)).ToList();
            // _id goes first, whatever the class's order.
            return [.. members.Where(m => m.IsId), .. members.Where(m => !m.IsId)];
        }

        private abstract class Member(bool isId)
        {
            public bool IsId { get; } = isId;

            public abstract void Write(BsonWriter w, T row);

            public static Member For(RowCodec codec, MemberMapper m)
            {
                var property = m.Serialize is null ? typeof(T).GetProperty(m.MemberName, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    ?? typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => p.Name == m.MemberName) : null;
                if (property?.GetGetMethod() is not { } getter || property.PropertyType != m.DataType) return new BoxedMember(codec, m);
                var made = typeof(TypedMember<>).MakeGenericType(typeof(T), m.DataType);
                return (Member)Activator.CreateInstance(made, codec, m, getter.CreateDelegate(typeof(Func<,>).MakeGenericType(typeof(T), m.DataType)))!;
            }
        }

        /// <summary>A member read by its typed getter: no boxing, no lock.</summary>
        private sealed class TypedMember<TValue>(RowCodec codec, MemberMapper m, Func<T, TValue> get) : Member(m.FieldName == "_id")
        {
            private readonly byte[] _name = BsonWriter.NameBytes(m.FieldName);
            private readonly Value<TValue> _value = codec.ValueOf<TValue>();

            public override void Write(BsonWriter w, T row) => _value.Write(w, _name, get(row), keepNull: IsId);
        }

        /// <summary>A member the mapper serializes (one with a serializer of its own, or no public getter of its type).</summary>
        private sealed class BoxedMember(RowCodec codec, MemberMapper m) : Member(m.FieldName == "_id")
        {
            public override void Write(BsonWriter w, T row)
            {
                var value = m.Getter(row);
                if (value is null && !IsId) return;
                BsonValue bson;
                lock (codec._mapperLock) bson = m.Serialize is { } own ? own(value, codec._mapper) : codec._mapper.Serialize(m.DataType, value);
                w.Value(m.FieldName, bson);
            }
        }
    }
}
