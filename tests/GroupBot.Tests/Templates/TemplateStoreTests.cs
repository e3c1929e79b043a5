using GroupBot.Templates;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupBot.Tests.Templates;

public sealed class TemplateStoreTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp();

    [Fact]
    public void Every_shipped_template_parses()
    {
        Assert.Empty(new TemplateStore(Repo.Templates, NullLogger<TemplateStore>.Instance).CheckAll());
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public void Every_shipped_template_renders(string lang)
    {
        var store = new TemplateStore(Repo.Templates, NullLogger<TemplateStore>.Instance);
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Templates, lang), "*.sbn"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var text = store.Render(name, lang, TemplateSamples.For(name));
            Assert.DoesNotContain("⚠️ " + name + ":", text);
            if (!name.StartsWith('_')) Assert.False(string.IsNullOrWhiteSpace(text), name);
        }
    }

    [Fact]
    public void Every_language_has_the_same_templates()
    {
        var zh = Directory.GetFiles(Path.Combine(Repo.Templates, "zh-CN")).Select(Path.GetFileName).Order();
        var en = Directory.GetFiles(Path.Combine(Repo.Templates, "en")).Select(Path.GetFileName).Order();
        Assert.Equal(zh, en);
    }

    [Fact]
    public void Usage_reply_names_the_reason_and_the_right_form()
    {
        var store = new TemplateStore(Repo.Templates, NullLogger<TemplateStore>.Instance);
        Assert.Equal("⚠️ 缺少关键词。用法：/faq add <关键词> <答案…>",
            store.Render("usage", "zh-CN", new { Command = "faq add", Reason = "missing_key", Value = "" }));
        Assert.Equal("⚠️ The key is missing. Usage: /faq add <key> <answer…>",
            store.Render("usage", "en", new { Command = "faq add", Reason = "missing_key", Value = "" }));
    }

    [Fact]
    public void A_missing_language_falls_back_to_zh_CN()
    {
        Write("zh-CN/hello.sbn", "你好 {{ name }}");
        var store = Store();
        Assert.Equal("你好 A", store.Render("hello", "en", new { Name = "A" }));
    }

    [Fact]
    public void A_parse_error_is_reported_with_path_line_and_column()
    {
        Write("zh-CN/ok.sbn", "fine");
        Write("zh-CN/broken.sbn", "line one\n{{ if x }}never closed");
        var errors = Store().CheckAll();
        var error = Assert.Single(errors);
        Assert.EndsWith("broken.sbn", error.Path);
        Assert.True(error.Line >= 2, error.ToString());
        Assert.Matches(@"broken\.sbn:\d+:\d+: ", error.ToString());
    }

    [Fact]
    public void An_edit_is_picked_up_and_a_broken_edit_keeps_the_last_good_version()
    {
        var path = Write("zh-CN/t.sbn", "v1 {{ n }}");
        var store = Store();
        Assert.Equal("v1 1", store.Render("t", "zh-CN", new { N = 1 }));

        File.WriteAllText(path, "v2 {{ n }}");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal("v2 1", store.Render("t", "zh-CN", new { N = 1 }));

        File.WriteAllText(path, "v3 {{ if }");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(10));
        Assert.Equal("v2 1", store.Render("t", "zh-CN", new { N = 1 }));
    }

    [Fact]
    public void Templates_see_the_model_but_no_other_dotnet_members()
    {
        Write("zh-CN/t.sbn", "[{{ dir.full_name }}][{{ item.name }}][{{ money 150 }}]");
        var text = Store().Render("t", "zh-CN", new { Dir = new DirectoryInfo("/tmp"), Item = new { Name = "x" } });
        Assert.Equal("[][x][¥1.50]", text);
    }

    [Fact]
    public void A_runaway_loop_is_stopped_not_hung()
    {
        Write("zh-CN/t.sbn", "{{ for i in 1..1000000 }}x{{ end }}");
        Assert.StartsWith("⚠️ t:", Store().Render("t", "zh-CN"));
    }

    private TemplateStore Store() => new(_dir.Path, NullLogger<TemplateStore>.Instance);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
