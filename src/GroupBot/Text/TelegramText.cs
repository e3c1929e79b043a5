using System.Text;

namespace GroupBot.Text;

/// <summary>
/// Telegram's length limits: a message holds 4,096 characters, a caption 1,024. User input quoted in a reply is
/// shortened with "…"; a text over the limit is cut (or split) so that Telegram HTML stays balanced: a cut inside
/// &lt;code&gt; closes it at the end of one part and opens it again at the start of the next.
/// Lengths are counted in UTF-16 units with tags included, which is never less than what Telegram counts.
/// </summary>
public static class TelegramText
{
    public const int MessageLimit = 4096;
    public const int CaptionLimit = 1024;

    /// <summary>The longest quote of user input a reply shows (the rest is "…").</summary>
    public const int QuoteLimit = 64;

    /// <summary>User input for quoting: at most <paramref name="max"/> characters, the rest replaced by "…".</summary>
    public static string Quote(string? text, int max = QuoteLimit)
    {
        text ??= "";
        if (text.Length <= max) return text;
        var cut = max - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "…";
    }

    /// <summary>A text that fits in one message (or caption): cut with "…" when too long, HTML kept balanced.</summary>
    public static string Fit(string text, bool html, int limit = MessageLimit)
    {
        if (text.Length <= limit) return text;
        if (!html) return Quote(text, limit);
        return Split(text, limit - 1, limit - 1)[0] + "…";
    }

    /// <summary>
    /// Splits Telegram HTML into parts: the first at most <paramref name="first"/> characters, the others at most
    /// <paramref name="rest"/>; cut at a line break when there is one, never inside a tag, an entity or a surrogate pair;
    /// every part has its tags balanced.
    /// </summary>
    public static List<string> Split(string text, int first, int rest)
    {
        var tokens = Tokenize(text);
        var parts = new List<string>();
        var carried = new List<Token>(); // tags open where the last part ended, opened again in the next
        var start = 0;
        while (start < tokens.Count)
        {
            var limit = parts.Count == 0 ? first : rest;
            var stack = new List<Token>(carried);
            var length = carried.Sum(t => t.Raw.Length);
            var i = start;
            (int End, List<Token> Stack)? lastBreak = null;
            while (i < tokens.Count)
            {
                var t = tokens[i];
                var next = Apply(stack, t);
                if (length + t.Raw.Length + Closing(next).Length > limit) break;
                length += t.Raw.Length;
                stack = next;
                i++;
                if (t.Raw == "\n") lastBreak = (i, new List<Token>(stack));
            }
            int end;
            List<Token> endStack;
            if (i == tokens.Count) (end, endStack) = (i, stack);
            else if (lastBreak is { } b && b.End > start) (end, endStack) = b;
            else if (i > start) (end, endStack) = (i, stack);
            else (end, endStack) = (start + 1, Apply(stack, tokens[start])); // one token longer than a part: cannot happen for sane limits

            var body = new StringBuilder();
            for (var k = start; k < end; k++) body.Append(tokens[k].Raw);
            var content = body.ToString().TrimEnd('\n');
            var part = string.Concat(carried.Select(t => t.Raw)) + content + Closing(endStack);
            if (TextOf(tokens, start, end).Trim().Length > 0) parts.Add(part);
            carried = endStack;
            start = end;
            while (start < tokens.Count && tokens[start].Raw == "\n") start++;
        }
        if (parts.Count == 0) parts.Add("");
        return parts;
    }

    /// <summary>Whether every tag opened is closed, in order (what Telegram checks before it accepts HTML).</summary>
    public static bool IsBalanced(string html)
    {
        var stack = new List<Token>();
        foreach (var t in Tokenize(html))
        {
            if (t.Kind == TokenKind.Close && (stack.Count == 0 || stack[^1].Name != t.Name)) return false;
            stack = Apply(stack, t);
        }
        return stack.Count == 0;
    }

    private enum TokenKind { Text, Open, Close }

    private sealed record Token(TokenKind Kind, string Raw, string Name = "");

    private static string TextOf(List<Token> tokens, int from, int to)
    {
        var sb = new StringBuilder();
        for (var k = from; k < to; k++) if (tokens[k].Kind == TokenKind.Text) sb.Append(tokens[k].Raw);
        return sb.ToString();
    }

    private static List<Token> Apply(List<Token> stack, Token t)
    {
        if (t.Kind == TokenKind.Open) return [.. stack, t];
        if (t.Kind == TokenKind.Close && stack.Count > 0 && stack[^1].Name == t.Name) return stack[..^1];
        return stack;
    }

    private static string Closing(List<Token> stack)
    {
        var sb = new StringBuilder();
        for (var k = stack.Count - 1; k >= 0; k--) sb.Append("</").Append(stack[k].Name).Append('>');
        return sb.ToString();
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '<' && text.IndexOf('>', i) is > 0 and var close)
            {
                var raw = text[i..(close + 1)];
                var inner = raw[1..^1].Trim();
                var closing = inner.StartsWith('/');
                var name = new string(inner.TrimStart('/').TakeWhile(char.IsAsciiLetterOrDigit).ToArray()).ToLowerInvariant();
                tokens.Add(name.Length == 0 ? new Token(TokenKind.Text, raw)
                    : closing ? new Token(TokenKind.Close, raw, name)
                    : inner.EndsWith('/') ? new Token(TokenKind.Text, raw)
                    : new Token(TokenKind.Open, raw, name));
                i = close + 1;
            }
            else if (c == '&' && text.IndexOf(';', i) is > 0 and var semi && semi - i <= 10 && text[(i + 1)..semi].All(char.IsAsciiLetterOrDigit))
            {
                tokens.Add(new Token(TokenKind.Text, text[i..(semi + 1)]));
                i = semi + 1;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length)
            {
                tokens.Add(new Token(TokenKind.Text, text.Substring(i, 2)));
                i += 2;
            }
            else
            {
                tokens.Add(new Token(TokenKind.Text, c.ToString()));
                i++;
            }
        }
        return tokens;
    }
}
