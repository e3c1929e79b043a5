using GroupBot.Storage;
using Microsoft.Extensions.Options;

namespace GroupBot.Community;

public static class PointKind
{
    public const string Award = "award";
    public const string Game = "game";
    public const string Welcome = "welcome";
    public const string Recruit = "recruit";
    public const string Sale = "sale";
}

/// <summary>One line of the points and sales ledger. Key makes automatic entries (game wins, gifts) happen once.</summary>
public sealed class PointEntry
{
    public string Key { get; set; } = "";
    public long ChatId { get; set; }
    public long UserId { get; set; }
    public string Kind { get; set; } = "";
    public long Points { get; set; }
    /// <summary>Sales entries: the amount sold, in fen.</summary>
    public long SalesFen { get; set; }
    public string Note { get; set; } = "";
    public long By { get; set; }
    public DateTime Utc { get; set; }
    /// <summary>Made by an operator: counts brand-wide wherever it was made (see <see cref="Trust"/>).</summary>
    public bool ByOperator { get; set; }
}

public sealed record Standing(long UserId, long Points, long SalesFen, int Recruits);

/// <summary>The points and sales ledger, levels with automatic promotion, and the leaderboard.</summary>
public sealed class Points
{
    private readonly Table<string, PointEntry> _entries;
    private readonly Members _members;
    private readonly IOptionsMonitor<CommunityOptions> _options;
    private readonly TimeProvider _time;
    private readonly Trust _trust;

    public Points(Database db, Members members, IOptionsMonitor<CommunityOptions> options, TimeProvider time, Trust trust)
    {
        _db = db;
        _entries = db.Table<string, PointEntry>("points", e => e.Key).Index("UserId", e => e.UserId);
        (_members, _options, _time, _trust) = (members, options, time, trust);
        // Running totals, kept as entries commit: a board must not read a million ledger rows (it did, for every /me).
        _entries.Committed += OnCommitted;
        Rebuild();
    }

    // Running totals. Brand-wide, over the entries seen everywhere (operators' and trusted groups'): boards kept in order,
    // all time and each period asked for (a week or a month from its start, built on first use, then kept up). Per group:
    // per member, all its entries and those not made by an operator. A group's trust is noted when its first entry is
    // counted; when it changes (an operator tags it, config/groups.json is edited) the totals are rebuilt.
    private readonly RankedBoard _brandBoard = new();
    private readonly Dictionary<DateTime, RankedBoard> _periodBoards = [];
    private readonly Dictionary<long, (Dictionary<long, Totals> All, Dictionary<long, Totals> NotByOperator)> _chats = [];
    private readonly Dictionary<long, bool> _trustOf = [];
    // The entries in time order, for boards of a week or a month.
    private readonly List<PointEntry> _byTime = [];
    private readonly Lock _totalsLock = new();
    private readonly Database _db;
    private bool _stale;

    private sealed class Totals
    {
        public long Points;
        public long SalesFen;
        public int Recruits;

        public void Add(PointEntry e)
        {
            Points += e.Points;
            SalesFen += e.SalesFen;
            if (e.Kind == PointKind.Recruit) Recruits++;
        }
    }

    private void OnCommitted(PointEntry? before, PointEntry? after)
    {
        lock (_totalsLock)
        {
            // Entries are only ever added; a change (a chat moving to its new id) rebuilds the totals once.
            if (before is not null || after is null)
            {
                _stale = true;
                return;
            }
            Count(after);
        }
    }

    /// <summary>Counts an entry in (caller holds the database's gate, then the totals' lock).</summary>
    private void Count(PointEntry e)
    {
        if (!_trustOf.TryGetValue(e.ChatId, out var trusted)) _trustOf[e.ChatId] = trusted = _trust.IsTrusted(e.ChatId);
        if (trusted || e.ByOperator)
        {
            var recruits = e.Kind == PointKind.Recruit ? 1 : 0;
            _brandBoard.Add(e.UserId, e.Points, e.SalesFen, recruits);
            foreach (var (since, board) in _periodBoards)
                if (e.Utc >= since) board.Add(e.UserId, e.Points, e.SalesFen, recruits);
        }
        if (!_chats.TryGetValue(e.ChatId, out var chat)) _chats[e.ChatId] = chat = ([], []);
        Of(chat.All, e.UserId).Add(e);
        if (!e.ByOperator) Of(chat.NotByOperator, e.UserId).Add(e);
        var at = _byTime.Count;
        while (at > 0 && _byTime[at - 1].Utc > e.Utc) at--; // nearly always appended at the end
        _byTime.Insert(at, e);
    }

    private static Totals Of(Dictionary<long, Totals> totals, long user) =>
        totals.TryGetValue(user, out var t) ? t : totals[user] = new Totals();

    private void Rebuild()
    {
        // Under the database's gate (taken first, as a commit takes it), so no commit slips in between.
        lock (_db.Gate)
        lock (_totalsLock)
        {
            _brandBoard.Clear();
            _periodBoards.Clear();
            _chats.Clear();
            _trustOf.Clear();
            _byTime.Clear();
            foreach (var e in _entries.AllCommitted().OrderBy(e => e.Utc)) Count(e);
            _stale = false;
        }
    }

    /// <summary>Rebuilds the totals when they are stale or a group's trust changed since they were counted.</summary>
    private void EnsureFresh()
    {
        List<KeyValuePair<long, bool>> noted;
        bool stale;
        lock (_totalsLock)
        {
            stale = _stale;
            noted = [.. _trustOf];
        }
        if (stale || noted.Any(t => _trust.IsTrusted(t.Key) != t.Value)) Rebuild();
    }

    /// <summary>
    /// Whether an entry is seen from a chat: entries of trusted groups and operators' entries are seen everywhere (the
    /// brand's records); an untrusted group's own records only there. <paramref name="fromChat"/> null: brand-wide only.
    /// </summary>
    public bool Visible(PointEntry e, long? fromChat) => Visible(e.ChatId, e.ByOperator, fromChat);

    private bool Visible(long chatId, bool byOperator, long? fromChat) => chatId == fromChat || byOperator || _trust.IsTrusted(chatId);

    /// <summary>Records points (or a sale); false when an entry with this key exists (a repeat). Promotes when a threshold is passed.</summary>
    /// <param name="brandWide">the brand's own record made outside any chat (an imported order): counts everywhere, like an operator's</param>
    public bool Add(long chatId, long userId, string kind, long points, string note, long by, string? key = null, long salesFen = 0, bool brandWide = false)
    {
        key ??= Guid.NewGuid().ToString("N");
        if (_entries.Exists(key)) return false;
        _entries.Put(new PointEntry
        {
            Key = key, ChatId = chatId, UserId = userId, Kind = kind, Points = points, SalesFen = salesFen, Note = note, By = by,
            Utc = _time.GetUtcNow().UtcDateTime, ByOperator = brandWide || (by != 0 && _trust.IsOperator(by)),
        });
        Promote(userId);
        return true;
    }

    /// <summary>A member's ledger lines, oldest first (corrections are lines of their own; nothing is deleted).</summary>
    public IReadOnlyList<PointEntry> EntriesOf(long userId) => _entries.Where("UserId", userId).OrderBy(e => e.Utc).ToList();

    /// <summary>A member's points as seen from a chat (null: brand-wide, as promotion counts them).</summary>
    public long TotalPoints(long userId, long? fromChat = null) => _entries.Where("UserId", userId).Where(e => Visible(e, fromChat)).Sum(e => e.Points);

    public long TotalSales(long userId, long? fromChat = null) => _entries.Where("UserId", userId).Where(e => Visible(e, fromChat)).Sum(e => e.SalesFen);

    /// <summary>A member's points since a time, as seen from a chat (from the member's own entries, not a board).</summary>
    public long PointsSince(long userId, DateTime sinceUtc, long? fromChat = null) =>
        _entries.Where("UserId", userId).Where(e => e.Utc >= sinceUtc && Visible(e, fromChat)).Sum(e => e.Points);

    /// <summary>A member's sales (fen) in [from, to), brand-wide (null <paramref name="fromChat"/>) or as seen from a chat.</summary>
    public long SalesSince(long userId, DateTime sinceUtc, DateTime? beforeUtc = null, long? fromChat = null) =>
        _entries.Where("UserId", userId).Where(e => e.Utc >= sinceUtc && (beforeUtc is null || e.Utc < beforeUtc) && Visible(e, fromChat)).Sum(e => e.SalesFen);

    /// <summary>
    /// Standings since a time (null: all time), in some chats (null: every chat whose records are seen from
    /// <paramref name="fromChat"/>), best first by the given measure.
    /// </summary>
    public IReadOnlyList<Standing> Board(DateTime? sinceUtc, IReadOnlySet<long>? chats, string by, long? fromChat = null)
    {
        var all = new List<Standing>();
        ForEach(sinceUtc, chats, fromChat, s => { if (Ranks(s, by)) all.Add(s); });
        return [.. all.Order(Ranking(by))];
    }

    /// <summary>The best <paramref name="count"/> of <see cref="Board"/>, without ordering everyone.</summary>
    public IReadOnlyList<Standing> Top(int count, DateTime? sinceUtc, IReadOnlySet<long>? chats, string by, long? fromChat = null)
    {
        // The brand's own boards, kept in order, when nothing else counts: no chosen groups, no untrusted group's own
        // records, and nothing the current event wrote.
        if (chats is null && BrandOnly(fromChat))
        {
            EnsureFresh();
            lock (_totalsLock) return BrandBoard(sinceUtc).Top(count, by);
        }
        var order = Ranking(by);
        var best = new PriorityQueue<Standing, Standing>(Comparer<Standing>.Create((a, b) => order.Compare(b, a)));
        ForEach(sinceUtc, chats, fromChat, s =>
        {
            if (!Ranks(s, by)) return;
            if (best.Count < count) best.Enqueue(s, s);
            else if (order.Compare(s, best.Peek()) < 0) best.EnqueueDequeue(s, s);
        });
        return [.. best.UnorderedItems.Select(i => i.Element).Order(order)];
    }

    /// <summary>
    /// Every chat's top over a period, in one pass over the period's entries: what Top(count, since, {chat}, by) gives
    /// for each chat, without a pass per chat (the report over 10,000 groups).
    /// </summary>
    public Dictionary<long, IReadOnlyList<Standing>> TopByChat(int count, DateTime sinceUtc, string by)
    {
        EnsureFresh();
        var perChat = new Dictionary<long, Dictionary<long, Totals>>();
        lock (_totalsLock)
        {
            for (var i = FirstAtOrAfter(sinceUtc); i < _byTime.Count; i++)
            {
                var e = _byTime[i];
                if (!perChat.TryGetValue(e.ChatId, out var totals)) perChat[e.ChatId] = totals = [];
                Of(totals, e.UserId).Add(e);
            }
        }
        var order = Ranking(by);
        return perChat.ToDictionary(c => c.Key, c => (IReadOnlyList<Standing>)c.Value
            .Select(u => new Standing(u.Key, u.Value.Points, u.Value.SalesFen, u.Value.Recruits))
            .Where(s => (s.Points != 0 || s.SalesFen != 0 || s.Recruits > 0) && Ranks(s, by))
            .Order(order).Take(count).ToList());
    }

    /// <summary>A member's place on the all-time points board seen from a chat (0: not on it), and how many are on it.</summary>
    public (int Rank, int Of) RankOf(long userId, long? fromChat)
    {
        if (BrandOnly(fromChat))
        {
            EnsureFresh();
            lock (_totalsLock) return (_brandBoard.RankOf(userId, "points"), _brandBoard.Count("points"));
        }
        var order = Ranking("points");
        var standings = new List<Standing>();
        Standing? mine = null;
        ForEach(null, null, fromChat, s =>
        {
            if (!Ranks(s, "points")) return;
            standings.Add(s);
            if (s.UserId == userId) mine = s;
        });
        if (mine is null) return (0, standings.Count);
        return (1 + standings.Count(s => order.Compare(s, mine) < 0), standings.Count);
    }

    /// <summary>Whether a board seen from this chat is the brand's alone (its own records, if untrusted, add nothing).</summary>
    private bool BrandOnly(long? fromChat)
    {
        if (_entries.Uncommitted().Count > 0) return false;
        if (fromChat is not { } here) return true;
        lock (_totalsLock)
            return !_chats.TryGetValue(here, out var mine) || mine.NotByOperator.Count == 0 || (_trustOf.TryGetValue(here, out var t) && t);
    }

    /// <summary>The brand's board since a time (caller holds the totals' lock); a period's is built on first use.</summary>
    private RankedBoard BrandBoard(DateTime? sinceUtc)
    {
        if (sinceUtc is not { } since) return _brandBoard;
        if (_periodBoards.TryGetValue(since, out var board)) return board;
        // Periods roll on: keep the few in use (a week and a month per time zone), not every one ever asked.
        if (_periodBoards.Count > 16) _periodBoards.Clear();
        board = new RankedBoard();
        for (var i = FirstAtOrAfter(since); i < _byTime.Count; i++)
        {
            var e = _byTime[i];
            if (e.ByOperator || (_trustOf.TryGetValue(e.ChatId, out var t) && t)) board.Add(e.UserId, e.Points, e.SalesFen, e.Kind == PointKind.Recruit ? 1 : 0);
        }
        return _periodBoards[since] = board;
    }

    /// <summary>Only people with something to rank by this measure are on its board: no "🥇 @bob ¥0.00" on a sales board.</summary>
    private static bool Ranks(Standing s, string by) => by switch { "sales" => s.SalesFen > 0, "recruits" => s.Recruits > 0, _ => s.Points > 0 };

    private static IComparer<Standing> Ranking(string by) => Comparer<Standing>.Create((a, b) =>
    {
        var c = by switch
        {
            "sales" => b.SalesFen.CompareTo(a.SalesFen),
            "recruits" => b.Recruits.CompareTo(a.Recruits),
            _ => b.Points.CompareTo(a.Points),
        };
        return c != 0 ? c : a.UserId.CompareTo(b.UserId);
    });

    /// <summary>
    /// Every standing of a board, from the running totals: all time costs one step per member, a period one step per
    /// entry of that period. People with nothing to rank are left out.
    /// </summary>
    private void ForEach(DateTime? sinceUtc, IReadOnlySet<long>? chats, long? fromChat, Action<Standing> visit)
    {
        EnsureFresh();
        bool Seen(long chatId, bool byOperator) => chats is not null ? chats.Contains(chatId) : Visible(chatId, byOperator, fromChat);
        // Additions to the brand's totals: an untrusted group's own records here, and what the current event wrote.
        var extra = new Dictionary<long, Totals>();
        foreach (var e in _entries.Uncommitted())
            if ((sinceUtc is null || e.Utc >= sinceUtc) && Seen(e.ChatId, e.ByOperator)) Of(extra, e.UserId).Add(e);
        List<(long Chat, long User, bool ByOperator, PointEntry Entry)>? period = null;
        var brand = new List<(long User, long Points, long Sales, int Recruits)>();
        lock (_totalsLock)
        {
            if (sinceUtc is { } since)
                period = _byTime.Skip(FirstAtOrAfter(since)).Select(e => (e.ChatId, e.UserId, e.ByOperator, e)).ToList();
            else
            {
                if (chats is not null)
                {
                    // Several groups: a member's totals in each add up.
                    foreach (var c in chats)
                        if (_chats.TryGetValue(c, out var chat))
                            foreach (var (user, t) in chat.All) Merge(extra, user, t);
                }
                else
                {
                    if (fromChat is { } here && _trustOf.TryGetValue(here, out var hereTrusted) && !hereTrusted && _chats.TryGetValue(here, out var mine))
                        foreach (var (user, t) in mine.NotByOperator) Merge(extra, user, t);
                    foreach (var (user, points, sales, recruits) in _brandBoard.All)
                    {
                        if (extra.Remove(user, out var more)) brand.Add((user, points + more.Points, sales + more.SalesFen, recruits + more.Recruits));
                        else brand.Add((user, points, sales, recruits));
                    }
                }
            }
        }
        if (period is not null)
            foreach (var (chat, _, byOperator, e) in period)
                if (Seen(chat, byOperator)) Of(extra, e.UserId).Add(e);
        foreach (var (user, points, sales, recruits) in brand) Visit(user, points, sales, recruits);
        foreach (var (user, t) in extra) Visit(user, t.Points, t.SalesFen, t.Recruits);

        void Visit(long user, long points, long sales, int recruits)
        {
            if (points != 0 || sales != 0 || recruits > 0) visit(new Standing(user, points, sales, recruits));
        }
    }

    private static void Merge(Dictionary<long, Totals> into, long user, Totals t)
    {
        var m = Of(into, user);
        m.Points += t.Points;
        m.SalesFen += t.SalesFen;
        m.Recruits += t.Recruits;
    }

    private int FirstAtOrAfter(DateTime utc)
    {
        int lo = 0, hi = _byTime.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_byTime[mid].Utc < utc) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Monday 00:00 of this week, and the 1st of this month, in the zone, as UTC.</summary>
    public static (DateTime Week, DateTime Month) PeriodStarts(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime.Date;
        var monday = local.AddDays(-(((int)local.DayOfWeek + 6) % 7));
        var first = new DateTime(local.Year, local.Month, 1);
        return (TimeZoneInfo.ConvertTimeToUtc(monday, zone), TimeZoneInfo.ConvertTimeToUtc(first, zone));
    }

    /// <summary>
    /// After a correction (a negative sale or award): the level follows what the totals now earn, up or down, unless an
    /// admin set it with /level (an admin's level is never lowered automatically).
    /// </summary>
    public void Relevel(long userId)
    {
        var member = _members.Find(userId);
        if (member is null || member.LevelSetByAdmin) { Promote(userId); return; }
        var levels = _options.CurrentValue.EffectiveLevels;
        var points = TotalPoints(userId);
        var sales = TotalSales(userId) / 100m;
        var earned = levels.LastOrDefault(l => (l.MinPoints is { } p && points >= p) || (l.MinSales is { } s && sales >= s)) ?? levels[0];
        if (member.Level == earned.Name || (member.Level is null && earned == levels[0])) return;
        member.Level = earned.Name;
        _members.Save(member);
    }

    /// <summary>
    /// The level earned by brand-wide points or sales (an untrusted group's records never promote); an admin's /level is
    /// a floor automatic promotion never lowers.
    /// </summary>
    public void Promote(long userId)
    {
        var member = _members.Find(userId);
        if (member is null) return;
        var levels = _options.CurrentValue.EffectiveLevels;
        // After a month-end review moved them down, a level is earned again by what they do from then on.
        var since = member.ReviewedDownUtc;
        var points = since is { } s0 ? PointsSince(userId, s0) : TotalPoints(userId);
        var sales = (since is { } s1 ? SalesSince(userId, s1) : TotalSales(userId)) / 100m;
        var earned = levels.LastOrDefault(l => (l.MinPoints is { } p && points >= p) || (l.MinSales is { } s && sales >= s));
        if (earned is null) return;
        var current = levels.ToList().FindIndex(l => l.Name == member.Level);
        if (levels.ToList().IndexOf(earned) <= current) return;
        member.Level = earned.Name;
        _members.Save(member);
    }
}
