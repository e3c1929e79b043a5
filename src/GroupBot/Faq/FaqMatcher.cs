namespace GroupBot.Faq;

// TEMPORARY placeholder until the real matcher lands.
public sealed record FaqDoc(string Key, string Question, IReadOnlyList<string> Aliases);
public enum FaqMatchKind { Exact, Confident, Unsure, None }
public sealed record FaqMatch(FaqMatchKind Kind, int Best, IReadOnlyList<int> Near);
public static class FaqMatcher
{
    public static string Normalize(string text) => new(GroupBot.Commands.TextWidth.Fold(text).ToLowerInvariant().Where(c => !char.IsWhiteSpace(c) && !char.IsPunctuation(c) && !char.IsSymbol(c)).ToArray());
    public static FaqMatch Match(string query, IReadOnlyList<FaqDoc> docs)
    {
        var q = Normalize(query);
        for (var i = 0; i < docs.Count; i++)
            if (Normalize(docs[i].Key) == q || docs[i].Aliases.Any(a => Normalize(a) == q)) return new(FaqMatchKind.Exact, i, []);
        return new(FaqMatchKind.None, -1, []);
    }
}
