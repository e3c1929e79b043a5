namespace GroupBot.Community;

/// <summary>
/// A leaderboard kept in order as entries arrive: per member their totals, and per measure the members with something
/// to rank, sorted best first. The best N cost N steps; a member's rank costs one step per member above them.
/// </summary>
internal sealed class RankedBoard
{
    private readonly Dictionary<long, (long Points, long Sales, int Recruits)> _totals = [];
    private readonly SortedSet<(long Value, long User)> _byPoints = new(Order);
    private readonly SortedSet<(long Value, long User)> _bySales = new(Order);
    private readonly SortedSet<(long Value, long User)> _byRecruits = new(Order);

    // Best first; a tie goes to the lower user id, as on every board.
    private static readonly Comparer<(long Value, long User)> Order =
        Comparer<(long Value, long User)>.Create((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : a.User.CompareTo(b.User));

    public int Count(string by) => Set(by).Count;

    /// <summary>Every member's totals, in no order.</summary>
    public IEnumerable<(long User, long Points, long Sales, int Recruits)> All => _totals.Select(t => (t.Key, t.Value.Points, t.Value.Sales, t.Value.Recruits));

    public void Clear()
    {
        _totals.Clear();
        _byPoints.Clear();
        _bySales.Clear();
        _byRecruits.Clear();
    }

    public void Add(long user, long points, long sales, int recruits)
    {
        var old = _totals.GetValueOrDefault(user);
        var now = (old.Points + points, old.Sales + sales, old.Recruits + recruits);
        _totals[user] = now;
        Move(_byPoints, user, old.Points, now.Item1);
        Move(_bySales, user, old.Sales, now.Item2);
        Move(_byRecruits, user, old.Recruits, now.Item3);
    }

    private static void Move(SortedSet<(long Value, long User)> set, long user, long before, long after)
    {
        if (before == after) return;
        if (before > 0) set.Remove((before, user));
        if (after > 0) set.Add((after, user));
    }

    public IReadOnlyList<Standing> Top(int count, string by) =>
        Set(by).Take(count).Select(e => Standing(e.User)).ToList();

    /// <summary>1 for the best; 0 when the member has nothing to rank by this measure.</summary>
    public int RankOf(long user, string by)
    {
        var set = Set(by);
        var t = _totals.GetValueOrDefault(user);
        var value = by switch { "sales" => t.Sales, "recruits" => t.Recruits, _ => t.Points };
        if (value <= 0) return 0;
        // Everyone ordered before this member: the view counts them by walking, one step each.
        return set.GetViewBetween(set.Min, (value, user)).Count;
    }

    private Standing Standing(long user)
    {
        var t = _totals[user];
        return new Standing(user, t.Points, t.Sales, t.Recruits);
    }

    private SortedSet<(long Value, long User)> Set(string by) => by switch { "sales" => _bySales, "recruits" => _byRecruits, _ => _byPoints };
}
