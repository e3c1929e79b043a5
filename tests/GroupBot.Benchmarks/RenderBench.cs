using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using GroupBot.Games;
using GroupBot.Posting;
using GroupBot.Templates;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupBot.Benchmarks;

/// <summary>`render`: BenchmarkDotNet, short job, in process (no generated project to build), on the repository's templates.</summary>
public static class RenderBench
{
    public static int Run(string[] args)
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("short"))
            .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "groupbot-bench", "BenchmarkDotNet.Artifacts"));
        var summary = BenchmarkRunner.Run<RenderBenchmarks>(config, args);
        var block = new StringBuilder();
        block.AppendLine($"== GroupBot render benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, Release) ==");
        block.AppendLine("BenchmarkDotNet 0.15.8, ShortRun (3 warm-ups, 3 iterations, 1 launch), in process; zh-CN templates of the repository");
        foreach (var report in summary.Reports)
        {
            var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            if (report.ResultStatistics is not { } stats)
            {
                block.AppendLine($"{name,-24} FAILED");
                continue;
            }
            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            block.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-24} {stats.Mean / 1000,8:0.0} µs per render (± {stats.StandardDeviation / 1000:0.0} µs sd), {allocated / 1024.0,6:0.0} KB allocated"));
        }
        block.AppendLine("What they are: FaqAnswer = TemplateStore.Render(\"faq_answer\") with a seeded answer and 2 near topics;");
        block.AppendLine("DailyProduct = TemplateStore.Render(\"posts/daily_product\") with the model PostRenderer builds (3 copy variants);");
        block.AppendLine("DailyProductPost = PostRenderer.TryRender(…\"daily_product\"…), the model building and time-zone work included.");
        Console.Write(block.ToString());
        return summary.Reports.All(r => r.ResultStatistics is not null) ? 0 : 1;
    }
}

public class RenderBenchmarks
{
    private TemplateStore _templates = null!;
    private object _faqModel = null!;
    private object _postModel = null!;
    private Product _product = null!;
    private TimeZoneInfo _zone = null!;
    private readonly DateTimeOffset _now = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    [GlobalSetup]
    public void Setup()
    {
        _templates = new TemplateStore(Path.Combine(Repo.Root, "templates"), NullLogger<TemplateStore>.Instance);
        using var faq = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "config", "faq.json")));
        var entry = faq.RootElement.GetProperty("entries")[0];
        _faqModel = new
        {
            Key = entry.GetProperty("key").GetString(),
            Question = entry.GetProperty("question").GetString(),
            Answer = entry.GetProperty("answer").GetString(),
            Near = new List<string> { "运费", "改地址" },
            Unsure = false,
        };
        _product = Catalog.Read(Path.Combine(Repo.Root, "config", "products.json")).First(p => p.Copy.Count >= 3);
        _zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var local = TimeZoneInfo.ConvertTime(_now, _zone);
        // The same shape PostRenderer passes (its model builder is private).
        _postModel = new
        {
            Product = new
            {
                _product.Id, _product.Name, Price = Money.Format(_product.PriceFen),
                ListPrice = _product.ListPriceFen is { } l ? Money.Format(l) : "",
                Saving = _product.ListPriceFen is { } s && s > _product.PriceFen ? Money.Format(s - _product.PriceFen) : "",
                _product.Image, Copy = _product.Copy.ToList(), Tags = _product.Tags.ToList(), _product.Theme,
            },
            Group = new { Title = "上海分销一群", Tags = new Dictionary<string, string> { ["city"] = "上海" } },
            Now = local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            Date = local.ToString("M月d日", CultureInfo.InvariantCulture),
            Weekday = "周" + "日一二三四五六"[(int)local.DayOfWeek],
            Top = new List<object>(),
            Sellers = new List<object>(),
        };
        // Fail at setup, not with a benchmark of an error message.
        foreach (var (name, model) in new[] { ("faq_answer", _faqModel), ("posts/daily_product", _postModel) })
            if (_templates.TryRender(name, "zh-CN", model) is { Error: { } error }) throw new InvalidOperationException($"{name}: {error}");
    }

    [Benchmark]
    public string FaqAnswer() => _templates.Render("faq_answer", "zh-CN", _faqModel);

    [Benchmark]
    public string DailyProduct() => _templates.Render("posts/daily_product", "zh-CN", _postModel);

    [Benchmark]
    public string? DailyProductPost() =>
        PostRenderer.TryRender(_templates, "daily_product", _product, "上海分销一群", new Dictionary<string, string> { ["city"] = "上海" }, "zh-CN", _zone, _now).Text;
}
