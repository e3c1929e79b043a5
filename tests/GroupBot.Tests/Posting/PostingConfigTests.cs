using GroupBot.Hosting;
using GroupBot.Faq;
using GroupBot.Posting;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Posting;

public sealed class PostingConfigTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp();

    [Fact]
    public void The_shipped_catalog_and_schedules_are_valid()
    {
        var catalog = new Catalog();
        catalog.Load(Path.Combine(Repo.Config, "products.json"));
        Assert.True(catalog.Products.Count >= 3);
        Assert.All(catalog.Products, p => Assert.InRange(p.Copy.Count, 2, 3));
        var schedules = Schedules.Read(Path.Combine(Repo.Config, "schedules.json"), catalog, _ => true);
        Assert.Contains(schedules, s => s.Rotates);
    }

    [Theory]
    [InlineData("{\"products\": [{\"id\": \"a\", \"name\": \"A\", \"price\": \"cheap\", \"copy\": [\"x\"]}]}", "$.products[0].price 'cheap' is not an amount")]
    [InlineData("{\"products\": [{\"id\": \"a\", \"name\": \"A\", \"price\": 1, \"copy\": []}]}", "$.products[0].copy must hold 1 to 5")]
    [InlineData("{\"products\": [{\"id\": \"a\", \"name\": \"A\", \"price\": 1, \"copy\": [\"x\"], \"theme\": \"x\"}]}", "$.products[0].theme 'x' must be one of")]
    [InlineData("{\"products\": [{\"id\": \"a\", \"name\": \"A\", \"price\": 1, \"copy\": [\"x\"], \"image\": \"nope.jpg\"}]}", "$.products[0].image 'nope.jpg' is neither a URL nor a file")]
    [InlineData("{\"products\": [{\"id\": \"a\", \"name\": \"A\", \"price\": 1, \"copy\": [\"x\"]}, {\"id\": \"A\", \"name\": \"B\", \"price\": 1, \"copy\": [\"y\"]}]}", "$.products[1].id 'A' is used twice")]
    [InlineData("{\"products\": [{\"name\": \"A\"}]}", "$.products[0].id is missing")]
    public void Catalog_errors_name_the_file_and_json_path(string json, string expected)
    {
        var path = _dir.File("products.json");
        File.WriteAllText(path, json);
        var ex = Assert.Throws<ConfigFileException>(() => Catalog.Read(path));
        Assert.Equal(path + ": " + expected, ex.Message[..(path.Length + 2 + expected.Length)]);
    }

    [Fact]
    public void A_syntax_error_names_line_and_column()
    {
        var path = _dir.File("schedules.json");
        File.WriteAllText(path, "{\n  \"schedules\": [\n    { \"id\": \"a\",, }\n  ]\n}");
        var ex = Assert.Throws<ConfigFileException>(() => Schedules.Read(path, new Catalog(), _ => true));
        Assert.StartsWith(path + ":3:", ex.Message);
    }

    [Theory]
    [InlineData("{\"id\": \"a\", \"cron\": \"every day\", \"template\": \"t\"}", "$.schedules[0].cron 'every day' is not a Quartz cron expression")]
    [InlineData("{\"id\": \"a\", \"cron\": \"0 0 10 * * ?\", \"template\": \"missing\"}", "$.schedules[0].template 'missing' has no file")]
    [InlineData("{\"id\": \"a\", \"cron\": \"0 0 10 * * ?\", \"template\": \"t\", \"timeZone\": \"Mars\"}", "$.schedules[0].timeZone 'Mars' is not an IANA time zone")]
    [InlineData("{\"id\": \"a\", \"cron\": \"0 0 10 * * ?\", \"template\": \"t\", \"products\": \"nope\"}", "$.schedules[0].products 'nope' is not a product")]
    [InlineData("{\"id\": \"a\", \"cron\": \"0 0 10 * * ?\", \"template\": \"t\", \"tags\": [\"x\"]}", "$.schedules[0].tags must be an object")]
    public void Schedule_errors_name_the_file_and_json_path(string schedule, string expected)
    {
        var path = _dir.File("schedules.json");
        File.WriteAllText(path, "{\"schedules\": [" + schedule + "]}");
        var ex = Assert.Throws<ConfigFileException>(() => Schedules.Read(path, new Catalog(), t => t == "t"));
        Assert.StartsWith(path + ": " + expected, ex.Message);
    }

    public void Dispose() => _dir.Dispose();
}
