using System.Text.RegularExpressions;
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
        Assert.Matches("^" + Regex.Escape(path) + @":1:\d+: " + Regex.Escape(expected), ex.Message);
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
        Assert.Matches("^" + Regex.Escape(path) + @":1:\d+: " + Regex.Escape(expected), ex.Message);
    }

    [Fact]
    public void A_semantic_error_names_the_line_and_column_of_the_value()
    {
        var path = _dir.File("products.json");
        File.WriteAllText(path, """
            {
              "products": [
                { "id": "a", "name": "甲", "price": 1, "copy": ["x"] },
                {
                  "id": "b", "name": "乙",
                  "price": "贵", "copy": ["y"]
                }
              ]
            }
            """);
        var ex = Assert.Throws<ConfigFileException>(() => Catalog.Read(path));
        Assert.StartsWith(path + ":6:16: $.products[1].price '贵' is not an amount", ex.Message);
    }

    [Fact]
    public void A_missing_key_points_at_its_object()
    {
        var path = _dir.File("schedules.json");
        File.WriteAllText(path, "{ \"schedules\": [\n  { \"id\": \"a\" },\n  { \"cron\": \"0 0 10 * * ?\" }\n] }");
        var ex = Assert.Throws<ConfigFileException>(() => Schedules.Read(path, new Catalog(), _ => true));
        Assert.StartsWith(path + ":2:3: $.schedules[0].cron is missing", ex.Message);
    }

    [Theory]
    [InlineData("$", 1, 1)]
    [InlineData("$.a", 1, 8)]
    [InlineData("$.a[0]", 1, 9)]
    [InlineData("$.a[1]", 1, 12)]
    [InlineData("$.a[1].b", 2, 8)]
    [InlineData("$.a[1].nope", 1, 12)]
    [InlineData("$.c", 4, 8)]
    [InlineData("$.zz", 1, 1)]
    public void Locate_finds_json_paths_skipping_comments(string jsonPath, int line, int column)
    {
        const string text = "{ \"a\": [1, {\n  \"b\": \"栗子\" } ],\n  // a comment\n  \"c\": null }";
        Assert.Equal((line, column), JsonConfigFile.Locate(text, jsonPath));
    }

    public void Dispose() => _dir.Dispose();
}
