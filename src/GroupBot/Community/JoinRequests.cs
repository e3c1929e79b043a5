using GroupBot.Chat;
using GroupBot.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Community;

/// <summary>A pending request to join a group, with the invite link it came through (if any).</summary>
public sealed class JoinRequest
{
    /// <summary>"chat id:user id".</summary>
    public string Id { get; set; } = "";
    public long ChatId { get; set; }
    public long UserId { get; set; }
    public string? Link { get; set; }
    public DateTime Utc { get; set; }
}

/// <summary>
/// Groups that approve newcomers (invite links with "approve new members", or a public group with join requests on):
/// Telegram sends chat_join_request first and the join only once someone approves. The request's invite link is kept, so
/// the newcomer is still credited to the distributor whose link it was (the join itself may not carry the link); with
/// <c>Community:ApproveJoinRequests</c> the bot approves every request at once (it needs the right to invite users).
/// </summary>
public sealed class JoinRequests
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(7);
    private readonly Table<string, JoinRequest> _requests;
    private readonly IOptionsMonitor<CommunityOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JoinRequests> _log;
    private int _seen;

    public JoinRequests(Database db, IOptionsMonitor<CommunityOptions> options, TimeProvider time, ILogger<JoinRequests> log)
    {
        (_options, _time, _log) = (options, time, log);
        _requests = db.Table<string, JoinRequest>("join_requests", r => r.Id);
    }

    private static string Key(long chatId, long userId) => $"{chatId}:{userId}";

    public IReadOnlyList<ChatAction> Requested(JoinRequested request)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        _requests.Put(new JoinRequest { Id = Key(request.ChatId, request.From.Id), ChatId = request.ChatId, UserId = request.From.Id, Link = request.InviteLink, Utc = now });
        // Requests nobody approved are forgotten after a week.
        if (++_seen % 100 == 0)
            foreach (var old in _requests.All().Where(r => r.Utc < now - KeepFor)) _requests.Delete(old.Id);
        var approve = _options.CurrentValue.ApproveJoinRequests;
        _log.LogInformation("User {UserId} asked to join chat {ChatId}{Via}; {What}", request.From.Id, request.ChatId,
            request.InviteLink is null ? "" : " through an invite link", approve ? "approving" : "left to the group's admins");
        return approve ? [new ApproveJoinRequest(request.ChatId, request.From.Id)] : [];
    }

    /// <summary>A join after an approved request: the request's link when the join carries none; the request is done with.</summary>
    public MembersJoined WithLink(MembersJoined joined)
    {
        string? link = null;
        foreach (var member in joined.Members)
        {
            if (_requests.Get(Key(joined.ChatId, member.Id)) is not { } request) continue;
            if (joined.Members.Count == 1) link = request.Link;
            _requests.Delete(request.Id);
        }
        return joined.InviteLink is null && link is not null ? joined with { InviteLink = link } : joined;
    }
}
