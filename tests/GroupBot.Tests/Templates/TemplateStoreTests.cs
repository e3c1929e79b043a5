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
            var (text, error) = store.TryRender(name, lang, TemplateSamples.For(name));
            Assert.Null(error);
            if (!name.StartsWith('_')) Assert.False(string.IsNullOrWhiteSpace(text), name);
        }
    }

    [Fact]
    public void A_kept_render_follows_the_model_the_language_and_every_edit_and_a_template_reading_chance_is_never_kept()
    {
        var root = Path.Combine(_dir.Path, "kept");
        Directory.CreateDirectory(Path.Combine(root, "zh-CN"));
        Directory.CreateDirectory(Path.Combine(root, "en"));
        var file = Path.Combine(root, "zh-CN", "answer.sbn");
        File.WriteAllText(file, "{{ key }}: {{ near | array.join \"、\" }} {{ lang }} {{ unsure }}");
        var store = new TemplateStore(root, NullLogger<TemplateStore>.Instance);
        Assert.Equal("发货: 物流、快递 zh-CN false", store.Render("answer", "zh-CN", new { Key = "发货", Near = new List<string> { "物流", "快递" }, Unsure = false }));
        Assert.Equal("发货: 物流、快递 zh-CN false", store.Render("answer", "zh-CN", new { Key = "发货", Near = new List<string> { "物流", "快递" }, Unsure = false }));
        Assert.Equal("发货: 物流 zh-CN false", store.Render("answer", "zh-CN", new { Key = "发货", Near = new List<string> { "物流" }, Unsure = false }));
        Assert.Equal("发货: 物流、快递 zh-CN true", store.Render("answer", "zh-CN", new { Key = "发货", Near = new List<string> { "物流", "快递" }, Unsure = true }));
        Assert.Equal("发货:  en false", store.Render("answer", "en", new { Key = "发货", Near = new List<string>(), Unsure = false })); // falls back to zh-CN

        File.WriteAllText(file, "edited {{ key }}");
        File.SetLastWriteTimeUtc(file, File.GetLastWriteTimeUtc(file).AddSeconds(1));
        Assert.Equal("edited 发货", store.Render("answer", "zh-CN", new { Key = "发货", Near = new List<string> { "物流", "快递" }, Unsure = false }));

        File.WriteAllText(Path.Combine(root, "zh-CN", "draw.sbn"), "{{ math.random 1 1000000000 }}");
        var draws = Enumerable.Range(0, 5).Select(_ => store.Render("draw", "zh-CN", new { Key = "same" })).ToHashSet();
        Assert.True(draws.Count > 1, "a template that draws at random rendered the same text five times: it was kept");
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
        Assert.NotNull(Store().TryRender("t", "zh-CN").Error);
        Assert.Equal(TemplateStore.Failed("zh-CN"), Store().Render("t", "zh-CN"));
    }

    [Fact]
    public void A_render_error_shows_members_a_neutral_text_without_the_servers_path()
    {
        Write("zh-CN/t.sbn", "{{ 1 / 0 }}{{ x.y.z() }}");
        var store = Store();
        Assert.Contains(_dir.Path, store.TryRender("t", "zh-CN").Error);
        var text = store.Render("t", "zh-CN");
        Assert.DoesNotContain(_dir.Path, text);
        Assert.DoesNotContain(".sbn", text);
        Assert.Equal("⚠️ 抱歉，这里出了点问题，已记录并通知运营。", text);
    }

    [Theory]
    [InlineData("../secret")]
    [InlineData("../../outside/secret")]
    [InlineData("posts/../../secret")]
    [InlineData("..\\secret")]
    public void A_template_name_outside_the_templates_folder_is_refused(string name)
    {
        Write("zh-CN/ok.sbn", "fine");
        File.WriteAllText(Path.Combine(_dir.Path, "secret.sbn"), "TOP SECRET");
        var store = Store();
        Assert.False(store.Exists(name, "zh-CN"));
        Assert.DoesNotContain("TOP SECRET", store.Render(name, "zh-CN"));
    }

    [Fact]
    public void An_include_outside_the_templates_folder_is_refused()
    {
        using var outside = Repo.Temp();
        var secret = Path.Combine(outside.Path, "secret.sbn");
        File.WriteAllText(secret, "TOP SECRET");
        Write("zh-CN/abs.sbn", "[{{ include \"" + secret[..^4] + "\" }}]");
        Write("zh-CN/rel.sbn", "[{{ include \"../../" + Path.GetRelativePath(Path.GetDirectoryName(_dir.Path)!, outside.Path) + "/secret\" }}]");
        Write("zh-CN/sub/rel.sbn", "[{{ include \"../../secret\" }}]");
        File.WriteAllText(Path.Combine(_dir.Path, "secret.sbn"), "TOP SECRET");
        var store = Store();
        foreach (var name in new[] { "abs", "rel", "sub/rel" })
        {
            var (text, error) = store.TryRender(name, "zh-CN");
            Assert.Null(text);
            Assert.Contains("No template", error);
        }
    }

    [Fact]
    public void A_catastrophic_regex_in_a_template_times_out_quickly()
    {
        Write("zh-CN/t.sbn", "{{ \"" + new string('a', 40) + "!\" | regex.match `^(a+)+$` }}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (_, error) = Store().TryRender("t", "zh-CN");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.NotNull(error);
    }

    [Fact]
    public void A_render_leaves_nothing_behind_for_the_next_one_and_an_edited_partial_shows_at_once()
    {
        // The store reuses its rendering contexts: what a render assigns, loops or includes must not leak.
        Write("zh-CN/set.sbn", "{{ x = \"leak\" }}{{ $y = \"local\" }}{{ for i in 1..3 }}{{ i }}{{ end }}[{{ n }}]");
        Write("zh-CN/get.sbn", "[{{ x }}][{{ y }}][{{ n }}][{{ include \"_part\" }}]");
        var part = Write("zh-CN/_part.sbn", "p1");
        Write("zh-CN/bad.sbn", "{{ for i in 1..1000000 }}x{{ end }}");
        var store = Store();
        Assert.Equal("123[1]", store.Render("set", "zh-CN", new { N = 1 }));
        Assert.Equal("[][][2][p1]", store.Render("get", "zh-CN", new { N = 2 }));
        Assert.NotNull(store.TryRender("bad", "zh-CN").Error);
        File.WriteAllText(part, "p2");
        File.SetLastWriteTimeUtc(part, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal("[][][][p2]", store.Render("get", "zh-CN"));
        Assert.Equal("[][][3][p2]", store.Render("get", "zh-CN", new { N = 3 }));
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
