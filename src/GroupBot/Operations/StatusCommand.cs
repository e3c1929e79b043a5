using GroupBot.Chat;
using GroupBot.Chat.Telegram;
using GroupBot.Commands;
using GroupBot.Community;
using GroupBot.Games;
using GroupBot.Hosting;
using GroupBot.Outbox;
using GroupBot.Storage;
using Microsoft.Extensions.Options;

namespace GroupBot.Operations;

/// <summary>/status, for operators in a private chat: is the bot keeping up, is Telegram answering, is the data safe.</summary>
public sealed class StatusCommand(
    BotMetrics metrics, OutboxQueue outbox, IChatAdapter adapter, Database db, GameStore games, Groups groups, IOptions<StorageOptions> storage,
    TimeProvider time)
{
    public CommandSpec Spec => new("status", Role.Admin, (ctx, _) => Task.FromResult(Status(ctx)), Scope: CommandScope.Private, OperatorsOnly: true);

    private IReadOnlyList<ChatAction> Status(CommandContext ctx)
    {
        // Private scope: only operators are admins there; checked again so the numbers never reach anyone else.
        if (!ctx.IsOperator) return ctx.Refused("operators_only");
        var now = time.GetUtcNow();
        var (waiting, retrying, on429) = outbox.Backlog();
        var telegram = adapter as TelegramAdapter;
        var backup = Backups.List(storage.Value.BackupPath, db.FilePath).FirstOrDefault();
        var hour = TimeSpan.FromHours(1);
        return ctx.Reply("status", new
        {
            Uptime = Span(now - metrics.Started, ctx.Language),
            UpdatesPerSecond = metrics.UpdatesPerSecond.ToString("0.##"),
            Waiting = waiting,
            Retrying = retrying,
            ChatsOn429 = on429,
            Sent = metrics.SentIn(hour),
            RateLimited = metrics.RateLimitedIn(hour),
            Failed = metrics.FailedIn(hour),
            Mode = telegram is null ? "local" : telegram.UsesWebhook ? "webhook" : "polling",
            LastPoll = telegram?.LastContact is { } last ? Span(now - last, ctx.Language) : null,
            DatabaseSize = Size(Database.FilesOf(db.FilePath).Where(File.Exists).Sum(f => new FileInfo(f).Length)),
            LastBackup = backup is null ? null : Span(now - new DateTimeOffset(File.GetLastWriteTimeUtc(backup), TimeSpan.Zero), ctx.Language),
            GamesOpen = games.AllLive().Count,
            Groups = groups.Active().Count(g => g.ChatId < 0),
        });
    }

    /// <summary>"2天3小时" / "2 d 3 h": the two largest units are enough to read at a glance.</summary>
    public static string Span(TimeSpan span, string language)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        var zh = language != "en";
        (double Value, string Zh, string En)[] units =
            [(Math.Floor(span.TotalDays), "天", " d"), (span.Hours, "小时", " h"), (span.Minutes, "分钟", " min"), (span.Seconds, "秒", " s")];
        var parts = units.SkipWhile(u => u.Value == 0).Take(2).Where(u => u.Value > 0).Select(u => u.Value + (zh ? u.Zh : u.En)).ToList();
        return parts.Count == 0 ? (zh ? "0秒" : "0 s") : string.Join(zh ? "" : " ", parts);
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024:0.#} MB",
        _ => $"{bytes / 1024.0 / 1024 / 1024:0.##} GB",
    };
}
