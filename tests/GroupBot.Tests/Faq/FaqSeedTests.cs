using GroupBot.Hosting;
using GroupBot.Faq;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Faq;

public sealed class FaqSeedTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp();

    [Fact]
    public void The_shipped_seed_is_valid_and_covers_the_common_questions()
    {
        var seed = FaqSeed.Load(Path.Combine(Repo.Config, "faq.json"));
        Assert.True(seed.Count >= 15, $"only {seed.Count} entries");
        var names = seed.SelectMany(e => e.Aliases.Prepend(e.Key)).ToHashSet();
        foreach (var topic in new[] { "物流", "退换货", "佣金", "等级", "红包", "团购" })
            Assert.Contains(topic, names);
    }

    [Fact]
    public void Syntax_error_names_path_line_and_column()
    {
        var path = _dir.File("faq.json");
        File.WriteAllText(path, "{\n  \"entries\": [\n    { \"key\": \"a\" \"answer\": \"b\" }\n  ]\n}");
        var ex = Assert.Throws<ConfigFileException>(() => FaqSeed.Load(path));
        Assert.StartsWith($"{path}:3:", ex.Message);
    }

    [Theory]
    [InlineData("{\"entries\": {}}", "$.entries must be an array")]
    [InlineData("{\"entries\": [{\"answer\": \"b\"}]}", "$.entries[0].key is missing")]
    [InlineData("{\"entries\": [{\"key\": \"a\", \"answer\": \"\"}]}", "$.entries[0].answer is empty")]
    [InlineData("{\"entries\": [{\"key\": \"a b\", \"answer\": \"x\"}]}", "$.entries[0].key 'a b' must be one word")]
    [InlineData("{\"entries\": [{\"key\": \"a\", \"answer\": \"x\", \"aliases\": [1]}]}", "$.entries[0].aliases must be an array of strings")]
    [InlineData("{\"entries\": [{\"key\": \"a\", \"answer\": \"x\"}, {\"key\": \"b\", \"answer\": \"y\", \"aliases\": [\"Ａ\"]}]}", "$.entries[1] 'Ａ' is already used by $.entries[0]")]
    public void Invalid_entries_name_the_json_path(string json, string expected)
    {
        var path = _dir.File("faq.json");
        File.WriteAllText(path, json);
        var ex = Assert.Throws<ConfigFileException>(() => FaqSeed.Load(path));
        Assert.StartsWith(path + ":1:", ex.Message);
        Assert.Contains(": " + expected, ex.Message);
    }

    [Fact]
    public void A_missing_file_is_an_empty_seed() => Assert.Empty(FaqSeed.Load(_dir.File("none.json")));

    public void Dispose() => _dir.Dispose();
}
