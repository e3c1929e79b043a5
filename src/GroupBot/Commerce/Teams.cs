using GroupBot.Community;
using GroupBot.Storage;

namespace GroupBot.Commerce;

/// <summary>A leader set by an admin, over what invite links recorded.</summary>
public sealed class TeamLink
{
    public long UserId { get; set; }
    /// <summary>0: set to no leader at all.</summary>
    public long LeaderId { get; set; }
    public long SetBy { get; set; }
    public DateTime SetUtc { get; set; }
}

/// <summary>
/// Teams (团队, seed 002): a leader's team is the distributors they recruited, through their invite links
/// (<see cref="Member.InvitedBy"/>) or as set by an admin with /team, which wins over the link.
/// </summary>
public sealed class Teams
{
    private readonly Table<long, TeamLink> _links;
    private readonly Members _members;

    public Teams(Database db, Members members)
    {
        _members = members;
        _links = db.Table<long, TeamLink>("team_links", l => l.UserId).Index("LeaderId", l => l.LeaderId);
    }

    public long? LeaderOf(long userId)
    {
        var leader = _links.Get(userId) is { } set ? (set.LeaderId == 0 ? null : set.LeaderId) : _members.Find(userId)?.InvitedBy;
        return leader == userId ? null : leader;
    }

    public bool SetByAdmin(long userId) => _links.Exists(userId);

    public void Set(long userId, long? leaderId, long by, DateTime utc) =>
        _links.Put(new TeamLink { UserId = userId, LeaderId = leaderId ?? 0, SetBy = by, SetUtc = utc });

    /// <summary>Would making <paramref name="leaderId"/> the leader of <paramref name="userId"/> close a circle?</summary>
    public bool WouldLoop(long userId, long leaderId)
    {
        var seen = new HashSet<long> { userId };
        for (long? at = leaderId; at is { } a; at = LeaderOf(a))
            if (!seen.Add(a)) return true;
        return false;
    }

    /// <summary>The team: everyone whose leader this is.</summary>
    public IReadOnlyList<long> MembersOf(long leaderId)
    {
        var set = _links.Where("LeaderId", leaderId).Select(l => l.UserId);
        var invited = _members.InvitedBy(leaderId).Select(m => m.UserId).Where(u => !_links.Exists(u));
        return set.Concat(invited).Where(u => u != leaderId).Distinct().Order().ToList();
    }
}
