using GroupBot.Chat;
using GroupBot.Storage;

namespace GroupBot.Community;

/// <summary>A distributor's profile for this brand (every group of the bot): who, level, who brought them.</summary>
public sealed class Member
{
    public long UserId { get; set; }
    public string Name { get; set; } = "";
    public string? Username { get; set; }
    public string? Level { get; set; }
    /// <summary>Set by /level: automatic promotion never demotes below it.</summary>
    public bool LevelSetByAdmin { get; set; }
    /// <summary>The distributor whose invite link brought this one, if any.</summary>
    public long? InvitedBy { get; set; }
    public long? InvitedInChat { get; set; }
    public DateTime FirstSeenUtc { get; set; }
    /// <summary>When a month-end review (Commerce) last moved this member down: automatic promotion counts from then.</summary>
    public DateTime? ReviewedDownUtc { get; set; }
}

/// <summary>Who is who: profiles kept current from every message, and @username / text-mention resolution.</summary>
public sealed class Members
{
    private readonly Table<long, Member> _members;
    private readonly TimeProvider _time;

    public Members(Database db, TimeProvider time)
    {
        _members = db.Table<long, Member>("members", m => m.UserId)
            .Index("Username", m => m.Username)
            .Index("InvitedBy", m => m.InvitedBy);
        _time = time;
    }

    public Member Seen(ChatUser user)
    {
        var member = _members.Get(user.Id);
        if (member is not null && member.Name == user.FirstName && member.Username == Lower(user.Username)) return member;
        member ??= new Member { UserId = user.Id, FirstSeenUtc = _time.GetUtcNow().UtcDateTime };
        member.Name = user.FirstName;
        member.Username = Lower(user.Username);
        _members.Put(member);
        return member;
    }

    public Member? Find(long userId) => _members.Get(userId);

    /// <summary>Everyone with a level (for the month-end review).</summary>
    public IReadOnlyList<Member> WithLevel() => _members.All().Where(m => m.Level is not null).OrderBy(m => m.UserId).ToList();

    public void Save(Member member) => _members.Put(member);

    public IReadOnlyList<Member> InvitedBy(long userId) => _members.Where("InvitedBy", userId).OrderBy(m => m.FirstSeenUtc).ThenBy(m => m.UserId).ToList();

    /// <summary>The user a command argument names: "@username" (seen before), or a text mention in the message.</summary>
    public Member? Resolve(string argument, MessageReceived message)
    {
        var arg = argument.Trim();
        if (!arg.StartsWith('@')) return message.Mentions is [var mentioned, ..] ? Seen(mentioned) : null;
        if (arg.Length < 2) return null;
        var username = Lower(arg[1..]);
        return _members.FirstWhere("Username", username!);
    }

    public static string DisplayName(Member m) => m.Username is { Length: > 0 } u ? "@" + u : m.Name;

    private static string? Lower(string? s) => s?.ToLowerInvariant();
}
