using GroupBot.Posting;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Posting;

public sealed class TemplatesCliTests : IDisposable
{
    private readonly TempDir _dir = Repo.Temp().WithBotFiles();

    [Fact]
    public void Check_passes_on_the_shipped_templates()
    {
        var (code, output, error) = Run(Repo.Root, "check");
        Assert.Equal(0, code);
        Assert.Contains("templates OK", output);
        Assert.Empty(error);
    }

    [Fact]
    public void Check_fails_with_path_line_and_column_for_a_parse_error()
    {
        File.AppendAllText(Path.Combine(_dir.Path, "templates", "zh-CN", "posts", "logistics.sbn"), "\n{{ if }}");
        var (code, _, error) = Run(_dir.Path, "check");
        Assert.Equal(1, code);
        Assert.Matches(@"posts/logistics\.sbn:\d+:\d+: ", error);
    }

    [Fact]
    public void Check_fails_for_a_post_that_breaks_when_rendered()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "templates", "en", "posts", "logistics.sbn"), "ok\n{{ product.copy | array.join 5 6 7 }}");
        var (code, _, error) = Run(_dir.Path, "check");
        Assert.Equal(1, code);
        Assert.Matches(@"en/posts/logistics\.sbn:2:\d+: ", error);
    }

    [Fact]
    public void Check_fails_for_a_reply_template_that_breaks_when_rendered()
    {
        // Parses fine; breaks only when rendered (a member of something that is not there).
        File.AppendAllText(Path.Combine(_dir.Path, "templates", "en", "faq_answer.sbn"), "\n{{ answer.no.such.member }}");
        var (code, _, error) = Run(_dir.Path, "check");
        Assert.Equal(1, code);
        Assert.Matches(@"en/faq_answer\.sbn:\d+:\d+: ", error);
    }

    [Fact]
    public void Check_names_the_partial_where_an_include_breaks()
    {
        File.AppendAllText(Path.Combine(_dir.Path, "templates", "zh-CN", "posts", "_copy.sbn"), "\n{{ include \"_nope\" }}");
        var (code, _, error) = Run(_dir.Path, "check");
        Assert.Equal(1, code);
        Assert.Matches(@"zh-CN/posts/_copy\.sbn:\d+:\d+: No template '_nope'", error);
    }

    [Fact]
    public void Preview_prints_one_post_with_the_product_chosen()
    {
        var (code, output, _) = Run(Repo.Root, "preview", "daily_product", "walnut");
        Assert.Equal(0, code);
        Assert.Contains("原味纸皮核桃", output);
        Assert.Contains("<code>", output);
        Assert.Equal(1, Run(Repo.Root, "preview", "daily_product", "nope").Code);
        Assert.Equal(2, Run(Repo.Root, "bogus").Code);
    }

    private static (int Code, string Output, string Error) Run(string root, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = TemplatesCli.Run(args, output, error, root);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose() => _dir.Dispose();
}
