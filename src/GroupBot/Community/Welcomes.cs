using System.Collections.Concurrent;
using GroupBot.Chat;
using GroupBot.Games;
using GroupBot.Pipeline;
using GroupBot.Storage;
using GroupBot.Templates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Community;

/// <summary>Newcomers waiting for their welcome in one chat. Stored, so a restart during the delay greets them still.</summary>
public sealed class PendingWelcome
{
    public long ChatId { get; set; }
    public DateTime DueUtc { get; set; }
    public List<PendingNewcomer> Users { get; set; } = [];
}

public sealed class PendingNewcomer
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string? Username { get; set; }
}

/// <summary>
/// Newcomers: profiles, attribution to the distributor whose invite link they used, and one welcome for a burst of
/// joins (Telegram reports a join twice — the service message and chat_member — and people arrive in waves).
/// The burst is kept in the store; at start every waiting welcome gets its timer back.
/// </summary>
public sealed class Welcomes(Database db, TimeProvider time, EventSink sink, Groups groups, Members members, Points points,
    InviteLinks links, Activity activity, GameStore games, IEnumerable<IGameFlow> flows, TemplateStore templates,
    IOptionsMonitor<CommunityOptions> options, ILogger<Welcomes> log)
    : IHostedService, IDisposable
{
    private readonly Table<long, PendingWelcome> _pending = db.Table<long, PendingWelcome>("welcome_pending", p => p.ChatId);
    private readonly ConcurrentDictionary<long, ITimer> _timers = new();

    public Task StartAsync(CancellationToken ct)
    {
        foreach (var pending in _pending.All()) SetTimer(pending);
        return Task.CompletedTask;
    }

    public IReadOnlyList<ChatAction> Joined(MembersJoined joined)
    {
        var people = joined.Members.Where(m => !m.IsBot).ToList();
        foreach (var user in people)
        {
            var member = members.Seen(user);
            if (joined.InviteLink is { } link && links.OwnerOf(joined.ChatId, link) is { } inviter && inviter != user.Id && member.InvitedBy is null)
            {
                member.InvitedBy = inviter;
                member.InvitedInChat = joined.ChatId;
                members.Save(member);
                points.Add(joined.ChatId, inviter, PointKind.Recruit, options.CurrentValue.RecruitPoints, Members.DisplayName(member), 0,
                    key: $"recruit:{joined.ChatId}:{user.Id}");
                log.LogInformation("User {UserId} joined chat {ChatId} through the link of {Inviter}", user.Id, joined.ChatId, inviter);
            }
        }
        if (people.Count == 0) return [];
        activity.Joined(joined.ChatId, people.Select(u => u.Id), groups.TimeZoneOf(groups.Ensure(joined.Chat)));
        var pending = _pending.Get(joined.ChatId) ?? new PendingWelcome
        {
            ChatId = joined.ChatId,
            DueUtc = time.GetUtcNow().UtcDateTime.AddSeconds(options.CurrentValue.WelcomeDelaySeconds),
        };
        foreach (var user in people.Where(u => pending.Users.All(p => p.Id != u.Id)))
            pending.Users.Add(new PendingNewcomer { Id = user.Id, Name = user.FirstName, Username = user.Username });
        _pending.Put(pending);
        if (!_timers.ContainsKey(joined.ChatId)) SetTimer(pending);
        return [];
    }

    /// <summary>The welcome for everyone who joined during the delay.</summary>
    public IReadOnlyList<ChatAction> Flush(WelcomeDue due)
    {
        ClearTimer(due.ChatId);
        if (_pending.Get(due.ChatId) is not { } pending) return [];
        _pending.Delete(pending.ChatId);
        var users = pending.Users.Select(u => new ChatUser(u.Id, u.Name, u.Username)).ToList();
        var group = groups.Ensure(due.Chat);
        var zone = groups.TimeZoneOf(group);
        var gift = options.CurrentValue.WelcomePoints;
        if (gift > 0)
            foreach (var u in users) points.Add(due.ChatId, u.Id, PointKind.Welcome, gift, "welcome", 0, key: $"welcome:{due.ChatId}:{u.Id}");
        if (group.WelcomeOff) return [];
        var lang = groups.LanguageOf(group);
        var view = new GameView(due.ChatId, lang, zone, templates);
        var open = games.Live(due.ChatId).Select(g => flows.First(f => f.Kind == g.Kind).Summary(view, g)).ToList();
        return [new SendText(due.ChatId, templates.Render("welcome", lang, new
        {
            Names = users.Select(u => u.DisplayName).ToList(), Group = group.Title, Games = open, Gift = gift,
        }))];
    }

    /// <summary>After the database moved a chat's data: a waiting welcome now waits under the new id.</summary>
    public void Migrated(long oldChatId, long newChatId)
    {
        ClearTimer(oldChatId);
        if (_pending.Get(newChatId) is { } pending) SetTimer(pending);
    }

    private void SetTimer(PendingWelcome pending)
    {
        var chatId = pending.ChatId;
        var due = pending.DueUtc - time.GetUtcNow().UtcDateTime;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        ClearTimer(chatId);
        _timers[chatId] = time.CreateDetachedTimer(_ => Due(chatId), null, due, Timeout.InfiniteTimeSpan);
    }

    private void ClearTimer(long chatId)
    {
        if (_timers.TryRemove(chatId, out var timer)) timer.Dispose();
    }

    private void Due(long chatId) => sink.Post(new WelcomeDue(groups.InfoOf(chatId)));

    public Task StopAsync(CancellationToken ct)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var chatId in _timers.Keys) ClearTimer(chatId);
    }
}
