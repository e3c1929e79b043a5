using System.Collections.Concurrent;
using GroupBot.Chat;
using GroupBot.Games;
using GroupBot.Hosting;
using GroupBot.Templates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Community;

/// <summary>
/// Newcomers: profiles, attribution to the distributor whose invite link they used, and one welcome for a burst of
/// joins (Telegram reports a join twice — the service message and chat_member — and people arrive in waves).
/// </summary>
public sealed class Welcomes(TimeProvider time, ChatQueues queues, Groups groups, Members members, Points points, InviteLinks links,
    Activity activity, GameStore games, IEnumerable<IGameFlow> flows, TemplateStore templates, IOptionsMonitor<CommunityOptions> options,
    IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<Welcomes> log) : IDisposable
{
    private readonly ConcurrentDictionary<long, Pending> _pending = new();

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
        var pending = _pending.GetOrAdd(joined.ChatId, _ => new Pending());
        lock (pending)
        {
            foreach (var user in people.Where(u => pending.Users.All(p => p.Id != u.Id))) pending.Users.Add(user);
            pending.Timer ??= time.CreateTimer(_ => Due(joined.Chat), null, TimeSpan.FromSeconds(options.CurrentValue.WelcomeDelaySeconds), Timeout.InfiniteTimeSpan);
        }
        return [];
    }

    /// <summary>The welcome for everyone who joined during the delay.</summary>
    public IReadOnlyList<ChatAction> Flush(WelcomeDue due)
    {
        if (!_pending.TryRemove(due.ChatId, out var pending)) return [];
        List<ChatUser> users;
        lock (pending)
        {
            pending.Timer?.Dispose();
            users = [.. pending.Users];
        }
        var group = groups.Ensure(due.Chat);
        var zone = groups.TimeZoneOf(group);
        activity.Joined(due.ChatId, users.Count, zone);
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

    private void Due(ChatInfo chat)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested) return;
        try
        {
            var processor = services.GetRequiredService<EventProcessor>();
            _ = queues.Enqueue(chat.Id, () => processor.Process(new WelcomeDue(chat), lifetime.ApplicationStopping));
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        foreach (var pending in _pending.Values)
            lock (pending) pending.Timer?.Dispose();
    }

    private sealed class Pending
    {
        public List<ChatUser> Users { get; } = [];
        public ITimer? Timer { get; set; }
    }
}
