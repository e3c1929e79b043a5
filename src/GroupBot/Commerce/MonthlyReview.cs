using GroupBot.Pipeline;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Hosting;
using GroupBot.Outbox;
using GroupBot.Storage;
using GroupBot.Templates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Commerce;

public sealed record LevelChange(long UserId, string From, string To, long SalesFen, long KeepFen);

/// <summary>
/// The month-end level review: on the 1st (local time, Bot:TimeZone) the month just ended is reviewed once (a value in
/// the database marks it done, so a restart neither repeats nor skips it: a review missed while the bot was down runs at
/// the next start). The first month reviewed is the first that began with the review enabled. Levels an admin set with
/// /level are left alone.
/// </summary>
public sealed class MonthlyReview(Database db, Members members, Points points, Orders orders, Groups groups, Trust trust, OutboxQueue outbox,
    TemplateStore templates, IOptionsMonitor<CommerceOptions> options, IOptionsMonitor<CommunityOptions> community, IOptionsMonitor<BotOptions> bot,
    TimeProvider time, ILogger<MonthlyReview> log) : IHostedService, IDisposable
{
    private const string SinceKey = "commerce:review:since";
    private ITimer? _timer;
    private readonly SemaphoreSlim _running = new(1, 1);

    /// <summary>Pure: the level a member keeps after a month with these sales.</summary>
    public static string Decide(IReadOnlyList<string> levels, string current, long salesFen, IReadOnlyDictionary<string, decimal> keepSales, int maxSteps)
    {
        var at = levels.ToList().IndexOf(current);
        if (at <= 0) return current;
        var floor = Math.Max(0, at - Math.Max(1, maxSteps));
        for (var i = at; i > floor; i--)
            if (!keepSales.TryGetValue(levels[i], out var keep) || salesFen >= (long)(keep * 100)) return levels[i];
        return levels[floor];
    }

    public Task StartAsync(CancellationToken ct)
    {
        // Once a minute is plenty: the review runs once a month, and at start for a month missed while down.
        _timer = time.CreateDetachedTimer(_ => _ = RunDue(), null, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        return Task.CompletedTask;
    }

    /// <summary>Reviews the month just ended if that has not been done; returns the changes (empty when nothing was due).</summary>
    public async Task<IReadOnlyList<LevelChange>> RunDue()
    {
        var review = options.CurrentValue.Review;
        if (!review.Enabled || !await _running.WaitAsync(0)) return [];
        try
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(bot.CurrentValue.TimeZone);
            var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime;
            var thisMonth = new DateTime(local.Year, local.Month, 1);
            var ended = thisMonth.AddMonths(-1);
            var key = $"commerce:review:{ended:yyyy-MM}";
            if (db.GetValue(key) is not null) return [];
            // Only months that began with the review on: turning it on mid-month does not judge the month before by rules
            // nobody was told about.
            if (db.GetValue(SinceKey) is not { } since)
            {
                db.Write(() => db.SetValue(SinceKey, thisMonth.ToString("yyyy-MM")));
                return [];
            }
            if (string.CompareOrdinal(ended.ToString("yyyy-MM"), since) < 0) return [];
            var fromUtc = TimeZoneInfo.ConvertTimeToUtc(ended, zone);
            var toUtc = TimeZoneInfo.ConvertTimeToUtc(thisMonth, zone);
            var levels = community.CurrentValue.EffectiveLevels.Select(l => l.Name).ToList();
            var changes = new List<LevelChange>();
            using var unit = db.Begin();
            foreach (var member in members.WithLevel().Where(m => !m.LevelSetByAdmin))
            {
                var sales = SalesIn(member.UserId, fromUtc, toUtc, ended.ToString("yyyy-MM"));
                var to = Decide(levels, member.Level!, sales, review.KeepSales, review.MaxSteps);
                if (to == member.Level) continue;
                var keep = review.KeepSales.TryGetValue(member.Level!, out var k) ? (long)(k * 100) : 0;
                changes.Add(new LevelChange(member.UserId, member.Level!, to, sales, keep));
                member.Level = to;
                member.ReviewedDownUtc = time.GetUtcNow().UtcDateTime;
                members.Save(member);
            }
            db.SetValue(key, $"{changes.Count} moved down at {time.GetUtcNow():u}");
            if (review.Announce) outbox.Enqueue(Announcements(ended.ToString("yyyy-MM"), changes), a => $"review:{ended:yyyy-MM}:{a.ChatId}");
            await unit.CommitAsync();
            log.LogInformation("Month-end review of {Month}: {Count} members moved down", ended.ToString("yyyy-MM"), changes.Count);
            return changes;
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Month-end review failed; it is tried again in a minute");
            return [];
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>A month's sales: imported orders by their payment month (net of refunds), and /sale entries made in the month.</summary>
    private long SalesIn(long userId, DateTime fromUtc, DateTime toUtc, string month) =>
        orders.StatementOf(userId, month).SalesFen
        + points.EntriesOf(userId).Where(e => e.Kind == PointKind.Sale && !e.Key.StartsWith("order:", StringComparison.Ordinal)
            && e.Utc >= fromUtc && e.Utc < toUtc && points.Visible(e, null)).Sum(e => e.SalesFen);

    private IEnumerable<ChatAction> Announcements(string month, List<LevelChange> changes)
    {
        foreach (var group in groups.Active().Where(g => trust.IsTrusted(g.ChatId)))
        {
            var model = new
            {
                Month = month,
                Count = changes.Count,
                Changes = changes.Take(30).Select(c => new
                {
                    Name = members.Find(c.UserId) is { } m ? Members.DisplayName(m) : c.UserId.ToString(),
                    c.From, c.To, Sales = Money.Format(c.SalesFen), Keep = Money.Format(c.KeepFen),
                }).ToList(),
                More = Math.Max(0, changes.Count - 30),
            };
            yield return new SendText(group.ChatId, templates.Render("level_review", groups.LanguageOf(group), model));
        }
    }

    public Task StopAsync(CancellationToken ct)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();
}
