namespace GroupBot.Commerce;

/// <summary>"Commerce" section: check-in points, commission, team override, the monthly review, share links.</summary>
public sealed class CommerceOptions
{
    public const string Section = "Commerce";

    /// <summary>Points for a check-in on the first day of a streak.</summary>
    public int CheckInPoints { get; set; } = 5;
    /// <summary>Extra points for each further day of an unbroken streak…</summary>
    public int StreakStep { get; set; } = 1;
    /// <summary>…up to this many extra points a day.</summary>
    public int StreakMaxBonus { get; set; } = 5;

    /// <summary>Commission in percent of a sale, per level name (e.g. 初级 10, 中级 15, 高级 20, 金牌 25); decimals allowed (12.5).</summary>
    public Dictionary<string, decimal> CommissionPercent { get; set; } = [];
    /// <summary>Team-leader override: percent of each team member's sale, credited to their leader.</summary>
    public decimal OverridePercent { get; set; } = 3;
    /// <summary>The lowest level that earns the override ("" or missing: every leader).</summary>
    public string OverrideMinLevel { get; set; } = "";

    /// <summary>The query parameter a personal buy link carries the distributor code in.</summary>
    public string LinkParameter { get; set; } = "ref";
    /// <summary>A font file with CJK glyphs for posters; empty: the first Noto CJK / WenQuanYi font found on the machine.</summary>
    public string PosterFont { get; set; } = "";

    /// <summary>The month-end level review (off unless enabled).</summary>
    public ReviewOptions Review { get; set; } = new();

    /// <summary>Orders import: the column names of the shop's CSV export (matched without regard to case).</summary>
    public OrderColumns OrderColumns { get; set; } = new();

    public IReadOnlyDictionary<string, decimal> EffectiveRates => CommissionPercent.Count > 0 ? CommissionPercent
        : new Dictionary<string, decimal> { ["初级"] = 10, ["中级"] = 15, ["高级"] = 20, ["金牌"] = 25 };
}

public sealed class OrderColumns
{
    public string OrderId { get; set; } = "order_id";
    public string Code { get; set; } = "distributor_code";
    public string Amount { get; set; } = "amount";
    public string Time { get; set; } = "paid_at";
    public string Status { get; set; } = "status";
    /// <summary>Status values that mean paid and refunded (compared without regard to case).</summary>
    public List<string> Paid { get; set; } = ["paid", "已支付", "已付款", "completed", "已完成"];
    public List<string> Refunded { get; set; } = ["refunded", "已退款", "refund", "退款"];
}

/// <summary>
/// Month-end review (seeds 001/004): a level is kept by a month's sales. Promotion stays automatic (Community:Levels);
/// the review, when enabled, moves down whoever sold less than their level's KeepSales in the month just ended.
/// </summary>
public sealed class ReviewOptions
{
    public bool Enabled { get; set; }
    /// <summary>Yuan of sales a month that keep each level (a level not listed is always kept), e.g. 中级 500, 高级 2000, 金牌 10000.</summary>
    public Dictionary<string, decimal> KeepSales { get; set; } = [];
    /// <summary>At most this many levels down in one review.</summary>
    public int MaxSteps { get; set; } = 1;
    /// <summary>Announce the result in every active group whose records count brand-wide.</summary>
    public bool Announce { get; set; } = true;
}
