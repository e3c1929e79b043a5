using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Games;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Community;

/// <summary>/me, /top, /mylink for everyone; /award, /sale, /level, /welcome, /stats for admins.</summary>
public sealed class CommunityCommands(Members members, Points points, Trust trust, InviteLinks links, Groups groups, Activity activity, GameStore games,
    IChatAdapter adapter, IOptionsMonitor<CommunityOptions> options, TimeProvider time, ILogger<CommunityCommands> log, Commerce.Orders orders,
    Storage.Database? db = null)
{
    public IEnumerable<CommandSpec> Specs =>
    [
        new("me", Role.Member, (ctx, _) => Done(Me(ctx))),
        new("top", Role.Member, (ctx, _) => Done(Top(ctx)), ["by", "tag"]),
        new("mylink", Role.Member, MyLink),
        new("award", Role.Admin, (ctx, _) => Done(Award(ctx))),
        new("sale", Role.Admin, (ctx, _) => Done(Sale(ctx))),
        new("level", Role.Admin, (ctx, _) => Done(Level(ctx))),
        new("welcome", Role.Admin, (ctx, _) => Done(Welcome(ctx))),
        new("stats", Role.Admin, (ctx, _) => Done(Stats(ctx))),
    ];

    private IReadOnlyList<ChatAction> Me(CommandContext ctx)
    {
        var me = members.Seen(ctx.From);
        var (week, month) = Points.PeriodStarts(time.GetUtcNow(), ctx.TimeZone);
        // Brand-wide records, and this group's own when it is not trusted (they count here only).
        var here = ctx.ChatId;
        var (rank, ranked) = points.RankOf(me.UserId, here);
        // This month's statement from imported orders (Commerce): own sales, commission and the team override.
        var statement = orders.StatementOf(me.UserId, Commerce.Orders.MonthOf(time.GetUtcNow().UtcDateTime, ctx.TimeZone));
        return ctx.Reply("me", new
        {
            MonthSales = Money.Format(statement.SalesFen),
            Commission = Money.Format(statement.TotalFen),
            Earned = statement.Orders + statement.Refunds > 0 || statement.OverrideFen != 0,
            Name = Members.DisplayName(me),
            Level = me.Level ?? options.CurrentValue.EffectiveLevels[0].Name,
            Points = points.TotalPoints(me.UserId, here),
            Week = points.PointsSince(me.UserId, week, here),
            Month = points.PointsSince(me.UserId, month, here),
            Sales = Money.Format(points.TotalSales(me.UserId, here)),
            Rank = rank,
            Ranked = ranked,
            Recruits = members.InvitedBy(me.UserId).Count,
            InvitedBy = me.InvitedBy is { } by && members.Find(by) is { } inviter ? Members.DisplayName(inviter) : "",
        });
    }

    private IReadOnlyList<ChatAction> Top(CommandContext ctx)
    {
        var period = ctx.Args.Count > 0 ? Words.Period(ctx.Args[0]) : "week";
        if (period is null) return ctx.Usage("bad_period", ctx.Args[0]);
        var byText = ctx.Args.Options.GetValueOrDefault("by");
        var by = byText is null ? options.CurrentValue.RankBy : Words.RankBy(byText);
        if (by is null) return ctx.Usage("bad_rank_by", byText);
        IReadOnlySet<long> chats = new HashSet<long> { ctx.ChatId };
        var scope = "";
        if (ctx.Args.Options.TryGetValue("tag", out var tag))
        {
            // Across every group with that tag (e.g. tag=city:上海): the brand's view of a segment.
            if (tag.Split(':', '=') is not [var key, var value] || key.Length == 0) return ctx.Usage("tag_form", tag);
            // Other groups' names and figures: in a private chat only for operators (a user sees only their own data there).
            if (ctx.Message.Chat.Kind == ChatKind.Private && !ctx.IsOperator) return ctx.Refused("private_board");
            // Untrusted groups' records count in their own group only, so they never enter a board across groups.
            chats = groups.Active().Where(g => groups.Matches(g, new Dictionary<string, string> { [key] = value }))
                .Select(g => g.ChatId).Where(id => id == ctx.ChatId || trust.IsTrusted(id)).ToHashSet();
            scope = tag;
        }
        var (week, month) = Points.PeriodStarts(time.GetUtcNow(), ctx.TimeZone);
        var since = period switch { "week" => week, "month" => month, _ => (DateTime?)null };
        var rows = points.Top(10, since, chats, by).Select((s, i) => new
        {
            Rank = i + 1,
            Name = members.Find(s.UserId) is { } m ? Members.DisplayName(m) : s.UserId.ToString(),
            s.Points,
            Sales = Money.Format(s.SalesFen),
            s.Recruits,
        }).ToList();
        return ctx.Reply("top", new { Period = period, By = by, Scope = scope, Rows = rows });
    }

    private async Task<IReadOnlyList<ChatAction>> MyLink(CommandContext ctx, CancellationToken ct)
    {
        if (ctx.Message.Chat.Kind == ChatKind.Private) return ctx.Reply("mylink", new { Link = "", Private = true, Failed = false });
        var me = members.Seen(ctx.From);
        var link = links.Of(ctx.ChatId, me.UserId);
        if (link is null)
        {
            try
            {
                link = await adapter.CreateInviteLinkAsync(ctx.ChatId, Members.DisplayName(me), ct);
                links.Save(ctx.ChatId, me.UserId, link);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Most often the bot is not an admin with the right to invite users.
                log.LogWarning(ex, "Could not create an invite link in chat {ChatId}", ctx.ChatId);
                return ctx.Reply("mylink", new { Link = "", Private = false, Failed = true });
            }
        }
        return ctx.Reply("mylink", new { Link = link, Private = false, Failed = false });
    }

    private IReadOnlyList<ChatAction> Award(CommandContext ctx)
    {
        if (ctx.Args.Count < 2) return ctx.Usage(ctx.Args.Count == 0 ? "missing_user" : "missing_points");
        if (members.Resolve(ctx.Args[0], ctx.Message) is not { } who) return ctx.Usage("unknown_user", ctx.Args[0]);
        var max = options.CurrentValue.MaxAward;
        if (!long.TryParse(TextWidth.Fold(ctx.Args[1]), out var amount) || amount == 0 || Math.Abs(amount) > max)
            return ctx.Usage("bad_points", max.ToString());
        var reason = ctx.Args.Rest(2);
        // Keyed by the command's message: an update handled again after a crash does not award twice.
        points.Add(ctx.ChatId, who.UserId, PointKind.Award, amount, reason, ctx.From.Id, key: $"award:{ctx.ChatId}:{ctx.Message.MessageId}");
        if (amount < 0) points.Relevel(who.UserId);
        return ctx.Reply("awarded", new
        {
            Name = Members.DisplayName(who), Points = amount, Reason = TelegramText.Quote(reason, 200), Total = points.TotalPoints(who.UserId, ctx.ChatId),
            Level = members.Find(who.UserId)?.Level ?? "", Local = !trust.CountsBrandWide(ctx.ChatId, ctx.From.Id),
        });
    }

    private IReadOnlyList<ChatAction> Sale(CommandContext ctx)
    {
        if (ctx.Args.Count < 2) return ctx.Usage(ctx.Args.Count == 0 ? "missing_user" : "missing_amount");
        if (members.Resolve(ctx.Args[0], ctx.Message) is not { } who) return ctx.Usage("unknown_user", ctx.Args[0]);
        // A negative amount corrects a wrong sale: a ledger line of its own (history is never deleted), with a reason.
        var amountText = TextWidth.Fold(ctx.Args[1]).Trim();
        var correction = amountText.StartsWith('-') || amountText.StartsWith('−');
        if (!Money.TryParse(correction ? amountText[1..] : amountText, out var fen) || fen == 0) return ctx.Usage("sale_amount", ctx.Args[1]);
        var note = ctx.Args.Rest(2);
        if (correction)
        {
            if (note.Length == 0) return ctx.Usage("correction_note");
            // The correction may take back what the totals it counts in hold: brand-wide, or in an untrusted group its own view.
            var recorded = trust.CountsBrandWide(ctx.ChatId, ctx.From.Id) ? points.TotalSales(who.UserId) : points.TotalSales(who.UserId, ctx.ChatId);
            if (fen > recorded) return ctx.Usage("correction_too_big", Money.Format(recorded));
            fen = -fen;
        }
        points.Add(ctx.ChatId, who.UserId, PointKind.Sale, 0, note, ctx.From.Id, key: $"sale:{ctx.ChatId}:{ctx.Message.MessageId}", salesFen: fen);
        if (correction) points.Relevel(who.UserId);
        return ctx.Reply("sale_recorded", new
        {
            Name = Members.DisplayName(who), Amount = Money.Format(fen), Note = TelegramText.Quote(note, 200), Total = Money.Format(points.TotalSales(who.UserId, ctx.ChatId)),
            Correction = correction, Level = members.Find(who.UserId)?.Level ?? "",
            Local = !trust.CountsBrandWide(ctx.ChatId, ctx.From.Id),
        });
    }

    private IReadOnlyList<ChatAction> Level(CommandContext ctx)
    {
        var levels = options.CurrentValue.EffectiveLevels.Select(l => l.Name).ToList();
        // A level is seen in every group of the brand: an admin of an untrusted group cannot set one.
        if (!trust.CountsBrandWide(ctx.ChatId, ctx.From.Id)) return ctx.Refused("level_needs_trust");
        if (ctx.Args.Count < 2) return ctx.Usage(ctx.Args.Count == 0 ? "missing_user" : "missing_level", string.Join("/", levels));
        if (members.Resolve(ctx.Args[0], ctx.Message) is not { } who) return ctx.Usage("unknown_user", ctx.Args[0]);
        var level = levels.FirstOrDefault(l => string.Equals(l, ctx.Args[1], StringComparison.OrdinalIgnoreCase));
        if (level is null) return ctx.Usage("bad_level", string.Join("/", levels));
        who.Level = level;
        who.LevelSetByAdmin = true;
        members.Save(who);
        return ctx.Reply("level_set", new { Name = Members.DisplayName(who), Level = level });
    }

    private IReadOnlyList<ChatAction> Welcome(CommandContext ctx)
    {
        var group = groups.Ensure(ctx.Message.Chat);
        if (ctx.Args.Count != 1 || Words.OnOff(ctx.Args[0]) is not { } on) return ctx.Usage("on_off");
        group.WelcomeOff = !on;
        groups.Save(group);
        return ctx.Reply("welcome_set", new { On = !group.WelcomeOff });
    }

    /// <summary>Words that ask /stats for a chart: /stats 图 · /stats 30天 chart.</summary>
    private static readonly string[] ChartWords = ["图", "图表", "chart"];

    private IReadOnlyList<ChatAction> Stats(CommandContext ctx)
    {
        var words = ctx.Args.Positional.ToList();
        var chart = words.RemoveAll(w => ChartWords.Contains(TextWidth.Fold(w).ToLowerInvariant())) > 0;
        if (words.Count > 1) return ctx.Usage("bad_days", words[1]);
        var daysText = words.Count > 0 ? TextWidth.Fold(words[0]).TrimEnd('d', 'D', '天') : "7";
        if (!int.TryParse(daysText, out var days) || days is < 1 or > 90) return ctx.Usage("bad_days", words.Count > 0 ? words[0] : "");
        var report = StatsReport.For(ctx.ChatId, days, activity, games, points, members, ctx.TimeZone, time.GetUtcNow());
        if (!chart || db is null) return ctx.Reply("stats", report);
        // The chart as a photo with the figures as its caption (they fit: a few short lines).
        var folder = Path.Combine(Path.GetDirectoryName(db.FilePath) ?? ".", "charts");
        Directory.CreateDirectory(folder);
        Charts.Prune(folder, time.GetUtcNow().UtcDateTime);
        var from = activity.Today(ctx.TimeZone).AddDays(-(days - 1));
        var dayList = Enumerable.Range(0, days).Select(i => from.AddDays(i)).ToList();
        var byDay = activity.Days(ctx.ChatId, from).ToDictionary(d => d.Day);
        var title = groups.Find(ctx.ChatId)?.Title ?? ctx.Message.Chat.Title;
        var path = Path.Combine(folder, $"stats-{ctx.ChatId}-{time.GetUtcNow():yyyyMMddHHmmssfff}.png");
        Charts.GroupDays(path, Charts.Label(title, ctx.ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            + (ctx.Language == "en" || !Charts.CjkInstalled ? $" · last {days} days" : $" · 近 {days} 天"),
            dayList, dayList.Select(d => byDay.GetValueOrDefault(d)).ToList(), ctx.Language);
        // A photo's caption goes out as Telegram HTML: names in it are escaped.
        var caption = ctx.Render("stats", report).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
        return [new SendPhoto(ctx.ChatId, path, caption)];
    }

    private static Task<IReadOnlyList<ChatAction>> Done(IReadOnlyList<ChatAction> actions) => Task.FromResult(actions);
}
