using GroupBot.Community;
using GroupBot.Storage;
using Microsoft.Extensions.Options;

namespace GroupBot.Commerce;

public static class OrderStatus
{
    public const string Paid = "paid";
    public const string Refunded = "refunded";
}

/// <summary>An order from the shop's export, credited to the distributor whose code it carries.</summary>
public sealed class Order
{
    public string OrderId { get; set; } = "";
    public string Code { get; set; } = "";
    public long UserId { get; set; }
    public long AmountFen { get; set; }
    public DateTime PaidUtc { get; set; }
    public string Status { get; set; } = OrderStatus.Paid;
    /// <summary>The seller's level and rate when the sale was credited: a later promotion does not rewrite history.</summary>
    public string Level { get; set; } = "";
    public int RateBp { get; set; }
    public long CommissionFen { get; set; }
    public long? LeaderId { get; set; }
    public int OverrideBp { get; set; }
    public long OverrideFen { get; set; }
    public DateTime ImportedUtc { get; set; }
    public DateTime? RefundedUtc { get; set; }
    /// <summary>A refund seen before (or without) its sale: nothing was credited, nothing is reversed.</summary>
    public bool RefundOnly { get; set; }
}

public static class EarningKind
{
    public const string Commission = "commission";
    public const string Override = "override";
}

/// <summary>
/// One line of a distributor's earnings: a sale's commission or a leader's override, or (negative) its reversal on a
/// refund. Month is the local month it belongs to (the sale's payment, the refund's time), for statements.
/// </summary>
public sealed class Earning
{
    public string Key { get; set; } = "";
    public long UserId { get; set; }
    public string OrderId { get; set; } = "";
    public string Kind { get; set; } = "";
    /// <summary>The sale counted (negative for a refund); for an override, the team member's sale.</summary>
    public long SalesFen { get; set; }
    public long AmountFen { get; set; }
    public int RateBp { get; set; }
    /// <summary>For an override: whose sale it was.</summary>
    public long? FromUserId { get; set; }
    public string Month { get; set; } = "";
    public DateTime Utc { get; set; }
}

public enum OrderOutcome { Credited, Reversed, Duplicate, RefundRecorded, Conflict }

/// <summary>Orders and earnings, written through the current unit; sales also go to the points ledger as /sale's do.</summary>
public sealed class Orders
{
    private readonly Table<string, Order> _orders;
    private readonly Table<string, Earning> _earnings;
    private readonly Members _members;
    private readonly Points _points;
    private readonly Teams _teams;
    private readonly IOptionsMonitor<CommerceOptions> _options;
    private readonly IOptionsMonitor<CommunityOptions> _community;

    public Orders(Database db, Members members, Points points, Teams teams, IOptionsMonitor<CommerceOptions> options, IOptionsMonitor<CommunityOptions> community)
    {
        _orders = db.Table<string, Order>("orders", o => o.OrderId).Index("UserId", o => o.UserId);
        _earnings = db.Table<string, Earning>("earnings", e => e.Key).Index("UserMonth", e => (e.UserId, e.Month)).Index("Month", e => e.Month);
        (_members, _points, _teams, _options, _community) = (members, points, teams, options, community);
    }

    public Order? Find(string orderId) => _orders.Get(orderId);

    public static string MonthOf(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("yyyy-MM");

    /// <summary>A paid order: the sale, the seller's commission and their leader's override, each once (by order id).</summary>
    public OrderOutcome Paid(string orderId, string code, long userId, long amountFen, DateTime paidUtc, DateTime nowUtc, TimeZoneInfo zone)
    {
        if (_orders.Get(orderId) is { } known)
            return known.AmountFen == amountFen && known.UserId == userId ? OrderOutcome.Duplicate : OrderOutcome.Conflict;
        var o = _options.CurrentValue;
        var levels = _community.CurrentValue.EffectiveLevels;
        var level = _members.Find(userId)?.Level ?? levels[0].Name;
        var rate = o.EffectiveRates.TryGetValue(level, out var percent) ? Commission.BasisPoints(percent) : 0;
        var order = new Order
        {
            OrderId = orderId, Code = code, UserId = userId, AmountFen = amountFen, PaidUtc = paidUtc, Level = level, RateBp = rate,
            CommissionFen = Commission.Of(amountFen, rate), ImportedUtc = nowUtc,
        };
        if (_teams.LeaderOf(userId) is { } leader && Qualifies(leader, levels, o))
        {
            order.LeaderId = leader;
            order.OverrideBp = Commission.BasisPoints(o.OverridePercent);
            order.OverrideFen = Commission.Of(amountFen, order.OverrideBp);
        }
        _orders.Put(order);
        var month = MonthOf(paidUtc, zone);
        Earn(order, EarningKind.Commission, order.UserId, amountFen, order.CommissionFen, order.RateBp, null, month, nowUtc, "");
        if (order.LeaderId is { } l) Earn(order, EarningKind.Override, l, amountFen, order.OverrideFen, order.OverrideBp, userId, month, nowUtc, "");
        // The same totals /sale feeds: levels, /me, /top by sales. Brand-wide: the shop's record, not one group's.
        _points.Add(0, userId, PointKind.Sale, 0, $"order {orderId}", 0, key: $"order:{orderId}", salesFen: amountFen, brandWide: true);
        return OrderOutcome.Credited;
    }

    /// <summary>A refund: the sale, commission and override are reversed in the refund's month; a refund of no known sale is kept as such.</summary>
    public OrderOutcome Refunded(string orderId, string code, long userId, long amountFen, DateTime refundUtc, DateTime nowUtc, TimeZoneInfo zone)
    {
        var order = _orders.Get(orderId);
        if (order is null)
        {
            _orders.Put(new Order
            {
                OrderId = orderId, Code = code, UserId = userId, AmountFen = amountFen, PaidUtc = refundUtc, Status = OrderStatus.Refunded,
                ImportedUtc = nowUtc, RefundedUtc = refundUtc, RefundOnly = true,
            });
            return OrderOutcome.RefundRecorded;
        }
        if (order.Status == OrderStatus.Refunded) return OrderOutcome.Duplicate;
        if (order.UserId != userId) return OrderOutcome.Conflict;
        order.Status = OrderStatus.Refunded;
        order.RefundedUtc = refundUtc;
        _orders.Put(order);
        var month = MonthOf(refundUtc, zone);
        Earn(order, EarningKind.Commission, order.UserId, -order.AmountFen, -order.CommissionFen, order.RateBp, null, month, nowUtc, ":refund");
        if (order.LeaderId is { } l)
            Earn(order, EarningKind.Override, l, -order.AmountFen, -order.OverrideFen, order.OverrideBp, order.UserId, month, nowUtc, ":refund");
        _points.Add(0, order.UserId, PointKind.Sale, 0, $"refund {orderId}", 0, key: $"order:{orderId}:refund", salesFen: -order.AmountFen, brandWide: true);
        _points.Relevel(order.UserId);
        return OrderOutcome.Reversed;
    }

    private void Earn(Order order, string kind, long userId, long salesFen, long amountFen, int rateBp, long? from, string month, DateTime utc, string suffix) =>
        _earnings.Put(new Earning
        {
            Key = $"{order.OrderId}:{kind}{suffix}", UserId = userId, OrderId = order.OrderId, Kind = kind, SalesFen = salesFen, AmountFen = amountFen,
            RateBp = rateBp, FromUserId = from, Month = month, Utc = utc,
        });

    /// <summary>Whether a leader earns the override: at or above the configured level (none configured: every leader).</summary>
    private bool Qualifies(long leader, IReadOnlyList<LevelRule> levels, CommerceOptions o)
    {
        if (o.OverridePercent == 0) return false;
        if (o.OverrideMinLevel.Length == 0) return true;
        var names = levels.Select(l => l.Name).ToList();
        var min = names.IndexOf(o.OverrideMinLevel);
        var at = names.IndexOf(_members.Find(leader)?.Level ?? names[0]);
        return min < 0 || at >= min;
    }

    public IReadOnlyList<Earning> EarningsOf(long userId, string month) => _earnings.Where("UserMonth", (userId, month)).OrderBy(e => e.Utc).ThenBy(e => e.Key).ToList();

    public IReadOnlyList<Earning> EarningsIn(string month) => _earnings.Where("Month", month);

    public Statement StatementOf(long userId, string month) => Statement.From(userId, month, EarningsOf(userId, month));
}

/// <summary>A distributor's month: own sales net of refunds, commission on them, override on the team's.</summary>
public sealed record Statement(long UserId, string Month, long SalesFen, long CommissionFen, long TeamSalesFen, long OverrideFen, int Orders, int Refunds)
{
    public long TotalFen => CommissionFen + OverrideFen;

    public static Statement From(long userId, string month, IEnumerable<Earning> earnings)
    {
        var list = earnings.ToList();
        var own = list.Where(e => e.Kind == EarningKind.Commission).ToList();
        var team = list.Where(e => e.Kind == EarningKind.Override).ToList();
        return new Statement(userId, month, own.Sum(e => e.SalesFen), own.Sum(e => e.AmountFen), team.Sum(e => e.SalesFen), team.Sum(e => e.AmountFen),
            own.Count(e => e.SalesFen > 0), own.Count(e => e.SalesFen < 0));
    }
}
