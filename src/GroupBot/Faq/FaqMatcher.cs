using System.Globalization;
using System.Text;

namespace GroupBot.Faq;

public sealed record FaqDoc(string Key, string Question, IReadOnlyList<string> Aliases);

public enum FaqMatchKind { Exact, Confident, Unsure, None }

/// <summary>Best is an index into the docs list (or -1 when Kind is None); Near holds up to 3 other indexes, best first.</summary>
public sealed record FaqMatch(FaqMatchKind Kind, int Best, IReadOnlyList<int> Near);

/// <summary>
/// Matches a free-text question to FAQ docs. Character bigrams stand in for words, so Chinese needs no segmentation.
/// A doc's score in [0,1) combines its key/alias signal (containment or bigram Dice) with a weaker signal from its question.
/// An Exact match has an empty Near.
/// </summary>
public static class FaqMatcher
{
    /// <summary>The best doc is answered outright at or above this score ...</summary>
    public const double ConfidentScore = 0.6;
    /// <summary>... when it is also at least this far ahead of the runner-up.</summary>
    public const double ConfidentMargin = 0.15;
    /// <summary>Below this the best doc is not a plausible answer: None.</summary>
    public const double MatchFloor = 0.2;
    /// <summary>Runners-up of a Confident or Unsure match are listed in Near from this score.</summary>
    public const double NearFloor = 0.15;
    public const int MaxNear = 3;

    // Containing a whole key/alias is the strongest signal; the rest of the 0.3 rewards how much of the query it covers.
    private const double QueryContainsName = 0.7;
    // A fragment of a key/alias is weaker: the same fragment may belong to several names.
    private const double NameContainsQuery = 0.55;
    // Questions are long and wordy, so their bigrams count less than key/alias bigrams.
    private const double QuestionWeight = 0.6;
    // One character is too little to answer, but enough to suggest the doc in Near of a None.
    private const double OneCharHint = 0.1;

    // Question filler words appear in many questions and would otherwise pull unrelated docs together.
    private const double FillerWeight = 0.2;
    private static readonly HashSet<string> Fillers =
    [
        "什么", "么时", "时候", "怎么", "么样", "怎样", "如何", "为什", "多久", "多少", "可以", "能不", "不能",
        "请问", "你们", "我们", "我的", "一下", "是不", "不是", "有没", "没有", "的话", "要怎", "么办",
    ];

    private static readonly FaqMatch Nothing = new(FaqMatchKind.None, -1, []);

    public static string Normalize(string text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length);
        foreach (var rune in Nfkc(Sanitize(text)).EnumerateRunes())
            if (!(Rune.IsWhiteSpace(rune) || Rune.IsPunctuation(rune) || Rune.IsSymbol(rune) || IsInvisible(rune)))
                Append(sb, Rune.ToLowerInvariant(rune));
        return sb.ToString();
    }

    public static FaqMatch Match(string query, IReadOnlyList<FaqDoc> docs)
    {
        var q = Normalize(query);
        if (q.Length == 0 || docs is null || docs.Count == 0) return Nothing;

        var prepared = new Prepared[docs.Count];
        for (var i = 0; i < docs.Count; i++)
        {
            prepared[i] = Prepare(docs[i]);
            if (prepared[i].Names.Contains(q)) return new(FaqMatchKind.Exact, i, []);
        }

        var grams = Grams(q);
        var asked = new Query(q, grams, Weight(grams));
        var scores = new double[prepared.Length];
        for (var i = 0; i < prepared.Length; i++) scores[i] = Score(asked, prepared[i]);
        // The best MaxNear + 1 in order of score; equal scores keep doc order.
        var ranked = Top(scores, MaxNear + 1);
        var best = ranked[0];
        if (scores[best] < MatchFloor)
            return Nothing with { Near = ranked.Where(i => scores[i] > 0).Take(MaxNear).ToArray() };

        var second = ranked.Length > 1 ? scores[ranked[1]] : 0;
        var kind = scores[best] >= ConfidentScore && scores[best] - second >= ConfidentMargin
            ? FaqMatchKind.Confident
            : FaqMatchKind.Unsure;
        return new(kind, best, ranked.Skip(1).Where(i => scores[i] >= NearFloor).ToArray());
    }

    /// <summary>The indexes of the <paramref name="count"/> highest scores, highest first, the lower index first on a tie.</summary>
    private static int[] Top(double[] scores, int count)
    {
        var top = new int[Math.Min(count, scores.Length)];
        var filled = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            // Where i goes among those kept so far (after every equal score: it came later).
            var at = filled;
            while (at > 0 && scores[top[at - 1]] < scores[i]) at--;
            if (at >= top.Length) continue;
            for (var j = Math.Min(filled, top.Length - 1); j > at; j--) top[j] = top[j - 1];
            top[at] = i;
            if (filled < top.Length) filled++;
        }
        return top;
    }

    private sealed record Query(string Text, HashSet<string> Grams, double Weight);

    private sealed record Prepared(IReadOnlyList<string> Names, string Question, HashSet<string> QuestionGrams)
    {
        // Each name's grams and their weight, and the question's weight: the same for every query.
        public (HashSet<string> Grams, double Weight)[] NameGrams { get; } = Names.Select(n => Grams(n)).Select(g => (g, Weight(g))).ToArray();
        public double QuestionGramsWeight { get; } = Weight(QuestionGrams);
    }

    // Preparing a doc (normalising its names, cutting its question into grams) costs more than scoring it. The store hands
    // out the same doc objects until an entry changes, so a prepared doc is kept with its doc object, for as long as it lives.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<FaqDoc, Prepared> PreparedOf = new();

    private static Prepared Prepare(FaqDoc? doc) => doc is null ? new([], "", []) : PreparedOf.GetValue(doc, PrepareNew);

    private static Prepared PrepareNew(FaqDoc doc)
    {
        var names = (doc.Aliases ?? []).Prepend(doc.Key).Select(Normalize).Where(n => n.Length > 0).Distinct().ToList();
        var question = Normalize(doc.Question);
        return new(names, question, Grams(question));
    }

    private static double Score(Query q, Prepared doc)
    {
        var name = 0.0;
        for (var i = 0; i < doc.Names.Count; i++)
            name = Math.Max(name, NameScore(q, doc.Names[i], doc.NameGrams[i].Grams, doc.NameGrams[i].Weight));

        var question = 0.0;
        if (doc.QuestionGrams.Count > 0)
        {
            var shared = SharedWeight(q.Grams, doc.QuestionGrams);
            var coverage = shared / q.Weight;
            var dice = 2 * shared / (q.Weight + doc.QuestionGramsWeight);
            question = QuestionWeight * (0.7 * coverage + 0.3 * dice);
        }
        if (q.Text.Length == 1 && doc.Question.Contains(q.Text, StringComparison.Ordinal))
            question = Math.Max(question, OneCharHint);

        // Probabilistic OR: agreement between name and question raises the score, yet it stays below 1.
        return 1 - (1 - name) * (1 - question);
    }

    private static double NameScore(Query q, string name, HashSet<string> nameGrams, double nameWeight)
    {
        var score = 2 * SharedWeight(q.Grams, nameGrams) / (q.Weight + nameWeight);
        var text = q.Text;
        if (name.Length >= 2 && text.Contains(name, StringComparison.Ordinal))
            score = Math.Max(score, QueryContainsName + (1 - QueryContainsName) * name.Length / text.Length);
        else if (text.Length >= 2 && name.Contains(text, StringComparison.Ordinal))
            score = Math.Max(score, NameContainsQuery + 0.3 * text.Length / name.Length);
        else if (text.Length == 1 && name.Contains(text, StringComparison.Ordinal))
            score = Math.Max(score, OneCharHint);
        return Math.Min(score, 1);
    }

    private static HashSet<string> Grams(string s)
    {
        if (s.Length <= 1) return s.Length == 0 ? [] : [s];
        var grams = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < s.Length; i++) grams.Add(s.Substring(i, 2));
        return grams;
    }

    private static double Weight(HashSet<string> grams)
    {
        var weight = 0.0;
        foreach (var g in grams) weight += Fillers.Contains(g) ? FillerWeight : 1;
        return weight;
    }

    /// <summary>The weight of the grams two sets share (a loop: this runs for every doc of every question).</summary>
    private static double SharedWeight(HashSet<string> grams, HashSet<string> other)
    {
        var weight = 0.0;
        foreach (var g in grams)
            if (other.Contains(g)) weight += Fillers.Contains(g) ? FillerWeight : 1;
        return weight;
    }

    // Invisible or emoji-presentation code points carry no meaning for matching.
    private static bool IsInvisible(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.EnclosingMark
            or UnicodeCategory.PrivateUse
        || rune.Value is >= 0xFE00 and <= 0xFE0F or >= 0xE0100 and <= 0xE01EF;

    private static string Nfkc(string s)
    {
        try
        {
            return s.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Safety net should ICU reject a code point Sanitize kept: matching without NFKC beats throwing.
            return s;
        }
    }

    // string.Normalize throws on lone surrogates and U+FFFE; EnumerateRunes turns the former into U+FFFD (a symbol, dropped later).
    private static string Sanitize(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var rune in s.EnumerateRunes())
            if (!IsNonCharacter(rune)) Append(sb, rune);
        return sb.ToString();
    }

    private static bool IsNonCharacter(Rune rune) => (rune.Value & 0xFFFE) == 0xFFFE || rune.Value is >= 0xFDD0 and <= 0xFDEF;

    private static void Append(StringBuilder sb, Rune rune)
    {
        Span<char> buffer = stackalloc char[2];
        sb.Append(buffer[..rune.EncodeToUtf16(buffer)]);
    }
}
