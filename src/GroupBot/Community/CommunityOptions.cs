namespace GroupBot.Community;

public sealed class LevelRule
{
    public string Name { get; set; } = "";
    /// <summary>Automatic promotion at this many points (all time); null: only by /level.</summary>
    public long? MinPoints { get; set; }
    /// <summary>…or at this much recorded sales, in yuan.</summary>
    public decimal? MinSales { get; set; }
}

/// <summary>"Community" section: levels, points for each kind of contribution, the leaderboard.</summary>
public sealed class CommunityOptions
{
    public const string Section = "Community";
    /// <summary>Lowest first. Default 初级/中级/高级/金牌 (seed 002).</summary>
    public List<LevelRule> Levels { get; set; } = [];
    public int WelcomePoints { get; set; } = 0;
    public int GameWinPoints { get; set; } = 10;
    public int RecruitPoints { get; set; } = 20;
    public int MaxAward { get; set; } = 1000;
    /// <summary>What /top ranks by default: points, sales or recruits.</summary>
    public string RankBy { get; set; } = "points";
    /// <summary>Seconds a burst of joins is collected into one welcome.</summary>
    public int WelcomeDelaySeconds { get; set; } = 10;
    /// <summary>Approve every chat_join_request at once (groups whose links ask admins to approve newcomers).</summary>
    public bool ApproveJoinRequests { get; set; }

    public IReadOnlyList<LevelRule> EffectiveLevels => Levels.Count > 0 ? Levels :
    [
        new() { Name = "初级", MinPoints = 0 },
        new() { Name = "中级", MinPoints = 100 },
        new() { Name = "高级", MinPoints = 500 },
        new() { Name = "金牌", MinPoints = 2000, MinSales = 10000 },
    ];
}
