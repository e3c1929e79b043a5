using System.Text.RegularExpressions;
using GroupBot.Community;
using GroupBot.Faq;
using GroupBot.Hosting;
using GroupBot.Posting;
using GroupBot.Templates;
using Microsoft.Extensions.Options;

namespace GroupBot.OpsConsole;

/// <summary>A problem with an edit, at line:column of the edited text when known (0 when not).</summary>
public sealed record EditError(int Line, int Column, string Message);

/// <summary>A checked edit: its errors (none: good), and for a template the preview as Telegram would show it.</summary>
public sealed record EditResult(IReadOnlyList<EditError> Errors, string? Preview = null, bool Html = false)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// The console's edits of the files the bot reads: templates/&lt;lang&gt;/*.sbn and the four config/*.json files. Each is
/// checked exactly as at start (the same parsers and loaders, and a render with sample data as `templates check` does)
/// before it replaces the file; a refused edit leaves the file, and so what the bot serves, untouched. Names come from
/// fixed lists or <see cref="TemplateStore.IsValidName"/>: no request reaches outside config/ and templates/.
/// </summary>
public sealed partial class ConsoleEdits(TemplateStore templates, Catalog catalog, PostRenderer renderer, ConfigReloader reloader,
    IOptions<BotOptions> bot)
{
    /// <summary>The config files the console edits, by the short name a request uses; nothing else is ever opened.</summary>
    public static readonly IReadOnlyDictionary<string, string> ConfigFiles = new Dictionary<string, string>
    {
        ["products"] = "products.json",
        ["schedules"] = "schedules.json",
        ["faq"] = "faq.json",
        ["groups"] = "groups.json",
    };

    private static readonly Lock WriteLock = new();

    public static bool IsLanguage(string? lang) => lang is not null && OptionsChecks.Languages.Contains(lang);

    /// <summary>Template names, from the default language (others fall back to it).</summary>
    public IReadOnlyList<string> TemplateNames() => templates.Names(TemplateStore.DefaultLanguage).ToList();

    /// <summary>A template's text in a language (its zh-CN text when it has none of its own yet), or null when there is no such template.</summary>
    public (string Text, bool Fallback)? ReadTemplate(string lang, string name)
    {
        if (!IsLanguage(lang) || templates.PathOf(name, lang) is not { } path || templates.PathOf(name, TemplateStore.DefaultLanguage) is not { } main
            || !File.Exists(main)) return null;
        return File.Exists(path) ? (File.ReadAllText(path), false) : (File.ReadAllText(main), true);
    }

    /// <summary>Parses and renders an edited template with sample data (a post with the chosen product, else the first).</summary>
    public EditResult CheckTemplate(string lang, string name, string text, string? productId = null)
    {
        if (!IsLanguage(lang) || ReadTemplate(lang, name) is null || templates.PathOf(name, lang) is not { } path)
            return new([new EditError(0, 0, "no such template / 没有这个模板")]);
        if (text.Length > 100_000) return new([new EditError(0, 0, "a template is at most 100,000 characters / 模板最长 100,000 字")]);
        var parse = TemplateStore.ParseErrors(text, path);
        if (parse.Count > 0) return new(parse.Select(e => new EditError(e.Line, e.Column, e.Message)).ToList());
        var isPost = name.StartsWith("posts/", StringComparison.Ordinal);
        // A partial is checked through every template of its language, as `templates check` renders them, reading the edit.
        if (name.Split('/')[^1].StartsWith('_')) return CheckPartial(lang, path, text, isPost);
        if (!isPost)
        {
            var (reply, error) = templates.TryRender(name, lang, TemplateSamples.For(name), text);
            return error is null ? new([], reply, false) : new([ToError(error, path)]);
        }
        return CheckPost(lang, name, path, text, productId);
    }

    private EditResult CheckPost(string lang, string name, string path, string? text, string? productId)
    {
        var chosen = productId is { Length: > 0 } ? catalog.Find(productId) : null;
        var products = catalog.Products.Cast<Product?>().DefaultIfEmpty(null).ToList();
        string? preview = null;
        // Like `templates check`: every product must render; the preview shows the chosen one.
        foreach (var product in chosen is null ? products : [chosen, .. products])
        {
            var (post, error) = PostRenderer.TryRender(templates, name, product, "示例群 Sample group", new Dictionary<string, string> { ["tier"] = "gold" },
                lang, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), DateTimeOffset.UtcNow,
                [new { Rank = 1, Name = "@amy", Points = 120L, Sales = "¥1200.00", Recruits = 2 }],
                [new { Rank = 1, Name = "@ben", Points = 30L, Sales = "¥2999.00", Recruits = 0 }], text);
            if (error is not null) return new([ToError(error, path, product is null ? null : $"product {product.Id}: ")]);
            preview ??= post;
        }
        return new([], preview, true);
    }

    private EditResult CheckPartial(string lang, string path, string text, bool isPost)
    {
        using var _ = TemplateStore.WithDrafts(new Dictionary<string, string> { [path] = text });
        foreach (var other in templates.Names(lang).Where(n => !n.Split('/')[^1].StartsWith('_')))
        {
            // Errors are placed in the partial (line:column) when they are in it.
            var result = other.StartsWith("posts/", StringComparison.Ordinal)
                ? CheckPost(lang, other, path, null, null)
                : templates.TryRender(other, lang, TemplateSamples.For(other)).Error is { } error ? new EditResult([ToError(error, path, other + ": ")]) : new EditResult([]);
            if (!result.Ok) return result;
        }
        return new([], "", isPost);
    }

    /// <summary>Saves a template that checks out; the bot serves it from its next reply. Otherwise nothing changes.</summary>
    public EditResult SaveTemplate(string lang, string name, string text)
    {
        text = text.Replace("\r\n", "\n");
        var result = CheckTemplate(lang, name, text);
        if (!result.Ok) return result;
        Replace(templates.PathOf(name, lang)!, text);
        return result;
    }

    public string? ReadConfig(string file) =>
        ConfigFiles.TryGetValue(file, out var name) && File.Exists(Path.Combine(bot.Value.ConfigPath, name)) ? File.ReadAllText(Path.Combine(bot.Value.ConfigPath, name)) : null;

    /// <summary>Checks an edited config file with the loader the bot uses at start, and saves it if good (then reloads it at once).</summary>
    public EditResult SaveConfig(string file, string text, bool save)
    {
        if (!ConfigFiles.TryGetValue(file, out var name)) return new([new EditError(0, 0, "no such file / 没有这个文件")]);
        if (text.Length > 2_000_000) return new([new EditError(0, 0, "a config file is at most 2 MB / 配置文件最大 2 MB")]);
        text = text.Replace("\r\n", "\n");
        var folder = bot.Value.ConfigPath;
        var path = Path.Combine(folder, name);
        lock (WriteLock)
        {
            var draft = Path.Combine(folder, $".{name}.console-draft");
            File.WriteAllText(draft, text);
            try
            {
                Validate(file, draft, folder);
            }
            catch (ConfigFileException ex)
            {
                File.Delete(draft);
                return new([ToError(ex.Message.Replace(draft, path, StringComparison.Ordinal), path)]);
            }
            if (!save)
            {
                File.Delete(draft);
                return new([]);
            }
            File.Move(draft, path, overwrite: true);
        }
        // Reload now rather than at the next poll, so the page's next read shows what the bot uses.
        reloader.CheckNow();
        return new([]);
    }

    private void Validate(string file, string draft, string folder)
    {
        switch (file)
        {
            case "products":
                // A catalog edit must still satisfy the schedules that name its products (as the reload checks).
                var probe = new Catalog();
                probe.Load(draft);
                Schedules.Read(Path.Combine(folder, "schedules.json"), probe, renderer.Exists);
                break;
            case "schedules":
                Schedules.Read(draft, catalog, renderer.Exists);
                break;
            case "faq":
                FaqSeed.Load(draft);
                break;
            case "groups":
                new GroupsFile().Load(draft);
                break;
        }
    }

    /// <summary>Writes the whole new text beside the file, then moves it over: the bot never reads half a file.</summary>
    private static void Replace(string path, string text)
    {
        lock (WriteLock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + ".console-draft";
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
        }
    }

    /// <summary>"path:line:column: message" (a loader's or Scriban's) as an error at line:column; the server's path is left out.</summary>
    private EditError ToError(string message, string path, string? prefix = null)
    {
        var m = Where().Match(message);
        if (m.Success && message.StartsWith(path + ":", StringComparison.Ordinal))
            return new(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), prefix + message[m.Length..].Trim());
        return new(0, 0, prefix + message.Replace(path, Path.GetFileName(path), StringComparison.Ordinal)
            .Replace(templates.Root + Path.DirectorySeparatorChar, "templates/", StringComparison.Ordinal)
            .Replace(bot.Value.ConfigPath + Path.DirectorySeparatorChar, "config/", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^[^\n]*?:(\d+):(\d+):")]
    private static partial Regex Where();
}
