using System.Globalization;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Games;
using GroupBot.Templates;

namespace GroupBot.Posting;

/// <summary>Renders a post template for one group: the product, the group (title, tags) and the time there.</summary>
public sealed class PostRenderer(TemplateStore templates, Groups groups, Points points, Members members, TimeProvider time,
    Microsoft.Extensions.Logging.ILogger<PostRenderer> log)
{
    /// <summary>Post templates live under templates/&lt;lang&gt;/posts/.</summary>
    public static string TemplateName(string name) => name.StartsWith("posts/", StringComparison.Ordinal) ? name : "posts/" + name;

    public bool Exists(string name) => templates.Exists(TemplateName(name), TemplateStore.DefaultLanguage);

    /// <summary>The post templates (templates/zh-CN/posts/*.sbn, not the _partials), as /post and /preview take them.</summary>
    public IReadOnlyList<string> Names()
    {
        var folder = Path.Combine(templates.Root, TemplateStore.DefaultLanguage, "posts");
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, "*.sbn").Select(f => Path.GetFileNameWithoutExtension(f)).Where(n => !n.StartsWith('_')).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The post for this group; null when the template does not render (the detail is logged, never posted).</summary>
    public string? Render(string template, Product? product, Group group)
    {
        var zone = groups.TimeZoneOf(group);
        var (week, _) = Points.PeriodStarts(time.GetUtcNow(), zone);
        // The showcase: this week's best in this group, by points and by sales.
        object Row(Standing s, int i) => new
        {
            Rank = i + 1, Name = members.Find(s.UserId) is { } m ? Members.DisplayName(m) : s.UserId.ToString(), s.Points,
            Sales = Money.Format(s.SalesFen), s.Recruits,
        };
        var chat = new HashSet<long> { group.ChatId };
        var top = points.Board(week, chat, "points").Take(5).Select(Row).ToList();
        var sellers = points.Board(week, chat, "sales").Where(s => s.SalesFen > 0).Take(5).Select(Row).ToList();
        var (text, error) = TryRender(templates, template, product, group.Title, groups.TagsOf(group), groups.LanguageOf(group),
            zone, time.GetUtcNow(), top, sellers);
        if (error is null) return text!;
        Microsoft.Extensions.Logging.LoggerExtensions.LogError(log, "Post template {Template} failed to render for chat {ChatId}: {Error}",
            template, group.ChatId, error);
        return null;
    }

    /// <summary>A post for a group of this title, tags, language and time zone, at <paramref name="now"/>; or the error.</summary>
    public static (string? Text, string? Error) TryRender(TemplateStore templates, string template, Product? product, string title,
        IReadOnlyDictionary<string, string> tags, string lang, TimeZoneInfo zone, DateTimeOffset now,
        IReadOnlyList<object>? top = null, IReadOnlyList<object>? sellers = null, string? draft = null)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        return templates.TryRender(TemplateName(template), lang, new
        {
            Product = product is null ? null : Model(product),
            Group = new { Title = title, Tags = tags.ToDictionary(t => t.Key, t => t.Value) },
            Now = local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            Date = local.ToString(lang == "en" ? "MMM d" : "M月d日", CultureInfo.InvariantCulture),
            Weekday = lang == "en" ? local.DayOfWeek.ToString() : "周" + "日一二三四五六"[(int)local.DayOfWeek],
            Top = top ?? [],
            Sellers = sellers ?? [],
        }, draft);
    }

    /// <summary>The action a post becomes: a photo with the text as caption, or the text alone (Telegram HTML either way).</summary>
    public static ChatAction Action(long chatId, string text, Product? product) =>
        product?.Image is { } image ? new SendPhoto(chatId, image, text) : new SendText(chatId, text, Html: true);

    private static object Model(Product p) => new
    {
        p.Id,
        p.Name,
        Price = Money.Format(p.PriceFen),
        ListPrice = p.ListPriceFen is { } list ? Money.Format(list) : "",
        Saving = p.ListPriceFen is { } l && l > p.PriceFen ? Money.Format(l - p.PriceFen) : "",
        p.Image,
        Copy = p.Copy.ToList(),
        Tags = p.Tags.ToList(),
        p.Theme,
    };
}
