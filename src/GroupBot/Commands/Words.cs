namespace GroupBot.Commands;

/// <summary>
/// The words an option takes, in English and in the Chinese people actually type (本周, 开, 销售…); width and case folded.
/// Null when the word is none of them.
/// </summary>
public static class Words
{
    private static string Fold(string word) => TextWidth.Fold(word.Trim()).ToLowerInvariant();

    /// <summary>week · month · all.</summary>
    public static string? Period(string word) => Fold(word) switch
    {
        "week" or "本周" or "周" or "这周" or "周榜" or "本周榜" => "week",
        "month" or "本月" or "月" or "这个月" or "月榜" or "本月榜" => "month",
        "all" or "全部" or "总" or "总榜" or "所有" or "历史" => "all",
        _ => null,
    };

    /// <summary>points · sales · recruits.</summary>
    public static string? RankBy(string word) => Fold(word) switch
    {
        "points" or "积分" => "points",
        "sales" or "销售" or "销售额" or "业绩" => "sales",
        "recruits" or "邀新" or "邀请" or "拉新" => "recruits",
        _ => null,
    };

    /// <summary>on · off.</summary>
    public static bool? OnOff(string word) => Fold(word) switch
    {
        "on" or "开" or "开启" or "打开" => true,
        "off" or "关" or "关闭" or "关掉" => false,
        _ => null,
    };

    /// <summary>worst · best (the lottery's mode).</summary>
    public static string? Mode(string word) => Fold(word) switch
    {
        "worst" or "最差" or "手气最差" => "worst",
        "best" or "最佳" or "手气最佳" or "最好" => "best",
        _ => null,
    };
}
