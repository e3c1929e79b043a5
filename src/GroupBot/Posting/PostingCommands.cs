using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Community;
using GroupBot.Templates;

namespace GroupBot.Posting;

/// <summary>/post, /preview, /schedules, /pause, /resume and /tag: posting in this chat, for admins.</summary>
public sealed class PostingCommands(Schedules schedules, Catalog catalog, PostRenderer renderer, PostScheduler scheduler, Groups groups,
    Microsoft.Extensions.Options.IOptionsMonitor<PostingOptions> quiet)
{
    public IEnumerable<CommandSpec> Specs =>
    [
        new("post", Role.Admin, (ctx, _) => Done(Post(ctx, preview: false))),
        new("preview", Role.Admin, (ctx, _) => Done(Post(ctx, preview: true))),
        new("schedules", Role.Admin, (ctx, _) => Done(List(ctx))),
        new("pause", Role.Admin, (ctx, _) => Done(Pause(ctx, true))),
        new("resume", Role.Admin, (ctx, _) => Done(Pause(ctx, false))),
        new("tag", Role.Admin, (ctx, _) => Done(Tag(ctx))),
    ];

    private IReadOnlyList<ChatAction> Post(CommandContext ctx, bool preview)
    {
        var command = preview ? "preview" : "post";
        // The names this command takes, so a wrong or missing one is answered with the right ones (read only then).
        string Choices() => string.Join(" / ", (preview ? [] : schedules.All.Select(s => s.Id)).Concat(renderer.Names()));
        if (ctx.Args.Count == 0) return ctx.Usage("missing_template", command: command, more: Choices());
        var name = ctx.Args[0];
        // Only names inside the templates folder: "../../x" or "/etc/x" never reach the disk.
        if (!TemplateStore.IsValidName(name)) return ctx.Usage("bad_template_name", name, command);
        var schedule = preview ? null : schedules.Find(name);
        var template = schedule?.Template ?? name;
        if (!renderer.Exists(template)) return ctx.Usage("no_template", name, command, Choices());
        Product? product;
        if (ctx.Args.Count > 1)
        {
            product = catalog.Find(ctx.Args[1]);
            if (product is null) return ctx.Usage("no_product", ctx.Args[1], command);
        }
        else product = schedule is not null ? scheduler.PeekProduct(schedule, ctx.ChatId) : catalog.Products.FirstOrDefault();
        var group = groups.Ensure(ctx.Message.Chat);
        if (renderer.Render(template, product, group) is not { } text) return [new SendText(ctx.ChatId, TemplateStore.Failed(ctx.Language), ReplyTo: ctx.Message.MessageId)];
        if (!preview) return [PostRenderer.Action(ctx.ChatId, text, product)];
        return [new SendText(ctx.ChatId, ctx.Render("post_preview", new { Template = template, Product = product?.Name ?? "" }), ReplyTo: ctx.Message.MessageId),
            PostRenderer.Action(ctx.ChatId, text, product)];
    }

    private IReadOnlyList<ChatAction> List(CommandContext ctx)
    {
        var group = groups.Ensure(ctx.Message.Chat);
        var mine = schedules.All.Where(s => groups.Matches(group, s.Tags)).Select(s => new
        {
            s.Id,
            s.Template,
            Next = scheduler.NextFire(s, group) is { } next ? TimeZoneInfo.ConvertTime(next, ctx.TimeZone).ToString("MM-dd HH:mm") : "—",
            Never = scheduler.NeverPosts(s, group),
            Product = s.Products is null ? "" : s.Rotates ? "*" : catalog.Find(s.Products[0])?.Name ?? s.Products[0],
        }).ToList();
        return ctx.Reply("schedules_list", new { Schedules = mine, Paused = group.PostsPaused, Quiet = quiet.CurrentValue.QuietHours, Zone = ctx.TimeZone.Id });
    }

    private IReadOnlyList<ChatAction> Pause(CommandContext ctx, bool pause)
    {
        var group = groups.Ensure(ctx.Message.Chat);
        group.PostsPaused = pause;
        groups.Save(group);
        return ctx.Reply("posting_paused", new { Paused = pause });
    }

    private IReadOnlyList<ChatAction> Tag(CommandContext ctx)
    {
        var group = groups.Ensure(ctx.Message.Chat);
        var changes = new List<(string Key, string Value)>();
        foreach (var word in ctx.Args.Positional)
        {
            var eq = word.Replace('＝', '=').IndexOf('=');
            if (eq <= 0) return ctx.Usage("tag_form", word);
            var key = TextWidth.Fold(word[..eq]).ToLowerInvariant();
            var value = word[(eq + 1)..].Trim();
            if (key.Length > 32 || !key.All(c => char.IsLetterOrDigit(c) || c is '_' or '-')) return ctx.Usage("tag_key", word[..eq]);
            if (value.Length > 64) return ctx.Usage("tag_value_long", word);
            // Trusting a group lets its admins' records count brand-wide: only an operator may give or take it.
            if (key == Trust.Tag && !ctx.IsOperator) return ctx.Refused("trusted_tag");
            changes.Add((key, value));
        }
        // Keys config/groups.json sets for this group are the operator's: /tag does not change them, and says so.
        var fileKeys = groups.FileTagKeys(group);
        var fromFile = changes.Where(c => fileKeys.Contains(c.Key)).Select(c => c.Key).Distinct().ToList();
        changes = changes.Where(c => !fileKeys.Contains(c.Key)).ToList();
        if (group.Tags.Count + changes.Count(c => c.Value.Length > 0 && !group.Tags.ContainsKey(c.Key)) > 20) return ctx.Usage("too_many_tags");
        foreach (var (key, value) in changes)
        {
            if (value.Length == 0) group.Tags.Remove(key);
            else group.Tags[key] = value;
        }
        if (changes.Count > 0) groups.Save(group);
        return ctx.Reply("tags", new
        {
            Tags = groups.TagsOf(group).OrderBy(t => t.Key).Select(t => new { t.Key, t.Value }).ToList(), Changed = changes.Count > 0, FromFile = fromFile,
        });
    }

    private static Task<IReadOnlyList<ChatAction>> Done(IReadOnlyList<ChatAction> actions) => Task.FromResult(actions);
}
