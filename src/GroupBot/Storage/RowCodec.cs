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
        // The mapper's own custom types first (it looks there first too).
        if (type == typeof(DateTimeOffset)) return (Value<T>)(object)new DateTimeOffsetValue();
        if (type == typeof(TimeSpan)) return (Value<T>)(object)new TimeSpanValue();
        if (type == typeof(string)) return (Value<T>)(object)new StringValue();
        if (type == typeof(int)) return (Value<T>)(object)new Int32Value();
        if (type == typeof(long)) return (Value<T>)(object)new Int64Value();
        if (type == typeof(double)) return (Value<T>)(object)new DoubleValue();
        if (type == typeof(decimal)) return (Value<T>)(object)new DecimalValue();
        if (type == typeof(bool)) return (Value<T>)(object)new BooleanValue();
        if (type == typeof(DateTime)) return (Value<T>)(object)new DateTimeValue();
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

    private Value<T> Generic<T>(Type definition, params Type[] arguments)
    {
        var made = definition.MakeGenericType(arguments);
        var ctor = made.GetConstructors()[0];
        return (Value<T>)(ctor.GetParameters().Length == 0 ? Activator.CreateInstance(made)! : Activator.CreateInstance(made, this)!);
    }

    private BsonValue Serialize(Type type, object value)
    {
        lock (_mapperLock) return _mapper.Serialize(type, value);
    }

    /// <summary>Writes one value of a declared type as an element.</summary>
    internal abstract class Value<T>
    {
        /// <summary>
        /// The element <paramref name="name"/> with <paramref name="value"/>. A null in a document is left out, as the mapper
        /// does; in an array (<paramref name="keepNull"/>) it is a BSON null.
        /// </summary>
        public abstract void Write(BsonWriter w, byte[] name, T value, bool keepNull);
    }

    private sealed class StringValue : Value<string?>
    {
        public override void Write(BsonWriter w, byte[] name, string? value, bool keepNull)
        {
            if (value is null)
            {
                if (keepNull) w.Element(0x0A, name);
                return;
            }
            w.Element(0x02, name);
            w.String(value);
        }
    }

    private sealed class Int32Value : Value<int>
    {
        public override void Write(BsonWriter w, byte[] name, int value, bool keepNull)
        {
            w.Element(0x10, name);
            w.Int32(value);
        }
    }

    private sealed class Int64Value : Value<long>
    {
        public override void Write(BsonWriter w, byte[] name, long value, bool keepNull)
        {
            w.Element(0x12, name);
            w.Int64(value);
        }
    }

    private sealed class DoubleValue : Value<double>
    {
        public override void Write(BsonWriter w, byte[] name, double value, bool keepNull)
        {
            w.Element(0x01, name);
            w.Int64(BitConverter.DoubleToInt64Bits(value));
        }
    }

    private sealed class DecimalValue : Value<decimal>
    {
        public override void Write(BsonWriter w, byte[] name, decimal value, bool keepNull)
        {
            w.Element(0x13, name);
            w.Decimal(value);
        }
    }

    private sealed class BooleanValue : Value<bool>
    {
        public override void Write(BsonWriter w, byte[] name, bool value, bool keepNull)
        {
            w.Element(0x08, name);
            w.Byte((byte)(value ? 1 : 0));
        }
    }

    private sealed class DateTimeValue : Value<DateTime>
    {
        public override void Write(BsonWriter w, byte[] name, DateTime value, bool keepNull)
        {
            w.Element(0x09, name);
            w.Date(value);
        }
    }

    /// <summary>The mapper's own rule for DateTimeOffset: its UTC date.</summary>
    private sealed class DateTimeOffsetValue : Value<DateTimeOffset>
    {
        public override void Write(BsonWriter w, byte[] name, DateTimeOffset value, bool keepNull)
        {
            w.Element(0x09, name);
            w.Date(value.UtcDateTime);
        }
    }

    /// <summary>The mapper's own rule for TimeSpan: its ticks.</summary>
    private sealed class TimeSpanValue : Value<TimeSpan>
    {
        public override void Write(BsonWriter w, byte[] name, TimeSpan value, bool keepNull)
        {
            w.Element(0x12, name);
            w.Int64(value.Ticks);
        }
    }

    /// <summary>Enums as their names (the mapper's default, EnumAsInteger off).</summary>
    private sealed class EnumValue<TEnum> : Value<TEnum> where TEnum : struct, Enum
    {
        public override void Write(BsonWriter w, byte[] name, TEnum value, bool keepNull)
        {
            w.Element(0x02, name);
            w.String(value.ToString());
        }
    }

    private sealed class NullableValue<TInner>(RowCodec codec) : Value<TInner?> where TInner : struct
    {
        private readonly Value<TInner> _inner = codec.ValueOf<TInner>();

        public override void Write(BsonWriter w, byte[] name, TInner? value, bool keepNull)
        {
            if (value is { } v) _inner.Write(w, name, v, keepNull);
            else if (keepNull) w.Element(0x0A, name);
        }
    }

    private sealed class ListValue<TList, TItem>(RowCodec codec) : Value<TList> where TList : IEnumerable<TItem>
    {
        private readonly RowCodec _codec = codec;
        private Value<TItem>? _item;

        public override void Write(BsonWriter w, byte[] name, TList value, bool keepNull)
        {
            if (value is null)
            {
                if (keepNull) w.Element(0x0A, name);
                return;
            }
            // The mapper takes a dictionary behind a list's type for a document: so does it here.
            if (value is IDictionary)
            {
                w.Value(BsonWriter.NameOf(name), _codec.Serialize(typeof(TList), value));
                return;
            }
            var item = _item ??= _codec.ValueOf<TItem>();
            w.Element(0x04, name);
            var start = w.Begin();
            var i = 0;
            if (value is List<TItem> list)
                foreach (var x in list) item.Write(w, IndexName(i++), x, keepNull: true);
            else
                foreach (var x in value) item.Write(w, IndexName(i++), x, keepNull: true);
            w.End(start);
        }
    }

    private static readonly byte[][] IndexNames = Enumerable.Range(0, 1024).Select(i => BsonWriter.NameBytes(BsonWriter.Index(i))).ToArray();

    private static byte[] IndexName(int i) => i < IndexNames.Length ? IndexNames[i] : BsonWriter.NameBytes(BsonWriter.Index(i));

    /// <summary>Anything this codec does not write itself: the mapper's value, written as it is.</summary>
    private sealed class MapperValue<T>(RowCodec codec) : Value<T>
    {
        public override void Write(BsonWriter w, byte[] name, T value, bool keepNull)
        {
            if (value is null)
            {
                if (keepNull) w.Element(0x0A, name);
                return;
            }
            w.Value(BsonWriter.NameOf(name), codec.Serialize(typeof(T), value));
        }
    }

    /// <summary>A class's members, in the mapper's order, as a document (a row's, or one inside a row).</summary>
    internal sealed class Writer<T> : Value<T> where T : class
    {
        private readonly RowCodec _codec;
        private Member[]? _members;

        public Writer(RowCodec codec) => _codec = codec;

        public override void Write(BsonWriter w, byte[] name, T value, bool keepNull)
        {
            if (value is null)
            {
                if (keepNull) w.Element(0x0A, name);
                return;
            }
            // A subclass where the class is declared: the mapper adds its _type, and only it knows how.
            if (value.GetType() != typeof(T))
            {
                w.Value(BsonWriter.NameOf(name), _codec.Serialize(typeof(T), value));
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
