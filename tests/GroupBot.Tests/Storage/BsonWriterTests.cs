using GroupBot.Storage;
using LiteDB;

namespace GroupBot.Tests.Storage;

/// <summary>The journal's BSON writer must give LiteDB's bytes exactly: the journal is replayed with LiteDB's reader.</summary>
public sealed class BsonWriterTests
{
    public sealed class Everything
    {
        public long Id { get; set; }
        public int Small { get; set; }
        public double Ratio { get; set; }
        public decimal Price { get; set; }
        public bool Flag { get; set; }
        public string Text { get; set; } = "";
        public string? Missing { get; set; }
        public DateTime Utc { get; set; }
        public DateTime Min { get; set; } = DateTime.MinValue;
        public DateTime Max { get; set; } = DateTime.MaxValue;
        public DateTime? Maybe { get; set; }
        public Guid Guid { get; set; }
        public byte[] Bytes { get; set; } = [];
        public List<long> Ids { get; set; } = [];
        public List<string> Words { get; set; } = [];
        public Dictionary<string, int> Counts { get; set; } = [];
        public Everything? Child { get; set; }
    }

    private static readonly string[] Pieces = ["a", "中", "🧧", "\n", "\"", "'", "\\", "é", "\u0001"];

    private static readonly BsonMapper Mapper = new() { EmptyStringToNull = false, TrimWhitespace = false };

    [Fact]
    public void Writes_every_type_as_LiteDB_does()
    {
        var random = new Random(7);
        for (var n = 0; n < 300; n++)
        {
            var row = new Everything
            {
                Id = random.NextInt64(long.MinValue, long.MaxValue),
                Small = random.Next(int.MinValue, int.MaxValue),
                Ratio = random.NextDouble() * 1e6 - 5e5,
                Price = (decimal)random.NextDouble() * 100_000m,
                Flag = random.Next(2) == 1,
                Text = string.Concat(Enumerable.Range(0, random.Next(0, 400)).Select(_ => Pieces[random.Next(Pieces.Length)])),
                Utc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(random.NextInt64(0, 10_000_000_000)),
                Maybe = random.Next(2) == 1 ? DateTime.UtcNow : null,
                Guid = Guid.NewGuid(),
                Bytes = Enumerable.Range(0, random.Next(0, 50)).Select(_ => (byte)random.Next(256)).ToArray(),
                Ids = Enumerable.Range(0, random.Next(0, 300)).Select(_ => random.NextInt64()).ToList(),
                Words = Enumerable.Range(0, random.Next(0, 5)).Select(i => "词" + i).ToList(),
                Counts = Enumerable.Range(0, random.Next(0, 5)).ToDictionary(i => "k" + i, i => i),
                Child = random.Next(3) == 0 ? new Everything { Text = "child" } : null,
            };
            var doc = Mapper.ToDocument(row);
            doc["oid"] = ObjectId.NewObjectId();
            doc["min"] = BsonValue.MinValue;
            doc["max"] = BsonValue.MaxValue;
            Assert.Equal(BsonSerializer.Serialize(doc), BsonWriter.Serialize(doc));
        }
    }

    [Fact]
    public void A_record_reads_back_with_LiteDB_as_the_old_record_did()
    {
        var doc = Mapper.ToDocument(new Everything { Text = "答案", Ids = [1, 2, 3] });
        doc["_id"] = 42L;
        var ops = new List<(string, BsonValue, BsonDocument?)> { ("rows", new BsonValue(42L), doc), ("gone", new BsonValue("a:1"), null) };
        for (var i = 0; i < 300; i++) ops.Add(("many", new BsonValue(i), new BsonDocument { ["_id"] = i, ["n"] = "x" + i }));
        var old = BsonSerializer.Serialize(new BsonDocument
        {
            ["w"] = new BsonArray(ops.Select(o => new BsonDocument { ["t"] = o.Item1, ["k"] = o.Item2, ["d"] = (BsonValue?)o.Item3 ?? BsonValue.Null })),
        });
        var asBytes = ops.Select(o => (o.Item1, o.Item2, o.Item3 is null ? null : BsonSerializer.Serialize(o.Item3))).ToList();
        Assert.Equal(old, BsonWriter.Record(asBytes));
        Assert.Equal(old, BsonWriter.Record(asBytes)); // the thread's buffer is reused
    }
}
