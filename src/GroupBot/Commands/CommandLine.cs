using System.Text;

namespace GroupBot.Commands;

/// <summary>One word of a command line, with where it stood in the text so "the rest" keeps its spacing.</summary>
public sealed record Token(string Text, int Start, int End, bool Quoted);

/// <summary>
/// "/name@bot arg 'quoted arg' key=value …" split into its parts. Full-width forms (／, ＠, ＝, U+3000 space)
/// count as their ASCII twins because Chinese keyboards produce them.
/// </summary>
public sealed class CommandLine
{
    private CommandLine(string name, string? addressee, string argText, IReadOnlyList<Token> tokens)
    {
        Name = name;
        Addressee = addressee;
        ArgText = argText;
        Tokens = tokens;
    }

    /// <summary>Lower-case command name without the slash or @bot suffix.</summary>
    public string Name { get; }

    /// <summary>The bot named after '@', if any.</summary>
    public string? Addressee { get; }

    /// <summary>Everything after the command word, trimmed, as typed.</summary>
    public string ArgText { get; }

    public IReadOnlyList<Token> Tokens { get; }

    public bool IsFor(string botUsername) =>
        Addressee is null || string.Equals(Addressee, botUsername, StringComparison.OrdinalIgnoreCase);

    public static CommandLine? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var trimmed = text.TrimStart();
        if (trimmed.Length < 2 || trimmed[0] is not ('/' or '／')) return null;

        var end = 1;
        while (end < trimmed.Length && !IsSpace(trimmed[end])) end++;
        var word = TextWidth.Fold(trimmed[1..end]);
        string? addressee = null;
        var at = word.IndexOf('@');
        if (at >= 0)
        {
            addressee = word[(at + 1)..];
            word = word[..at];
        }
        if (word.Length == 0 || word.Length > 32 || !word.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) return null;

        var argText = trimmed[end..].Trim().Trim('\u3000');
        return new CommandLine(word.ToLowerInvariant(), addressee, argText, Tokenize(argText));
    }

    public static bool IsSpace(char c) => char.IsWhiteSpace(c);

    private static IReadOnlyList<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && IsSpace(s[i])) i++;
            if (i >= s.Length) break;
            var start = i;
            var close = ClosingQuote(s[i]);
            if (close is char q)
            {
                var endQuote = s.IndexOf(q, i + 1);
                if (endQuote > i)
                {
                    tokens.Add(new Token(s[(i + 1)..endQuote], start, endQuote + 1, true));
                    i = endQuote + 1;
                    continue;
                }
            }
            var sb = new StringBuilder();
            while (i < s.Length && !IsSpace(s[i]))
            {
                // key="a value with spaces": the quotes end the value, not the space.
                if (i > start && s[i - 1] is '=' or '＝' && ClosingQuote(s[i]) is char vq && s.IndexOf(vq, i + 1) is var vend && vend > i)
                {
                    sb.Append(s, i + 1, vend - i - 1);
                    i = vend + 1;
                    continue;
                }
                sb.Append(s[i++]);
            }
            tokens.Add(new Token(sb.ToString(), start, i, false));
        }
        return tokens;
    }

    private static char? ClosingQuote(char c) => c switch
    {
        '"' => '"',
        '\'' => '\'',
        '“' => '”',
        '「' => '」',
        '『' => '』',
        _ => null,
    };
}

/// <summary>A command line bound to a command's declared options: positional words, options, and what is wrong.</summary>
public sealed class CommandArgs
{
    private readonly CommandLine _line;
    private readonly List<Token> _positional = [];

    public CommandArgs(CommandLine line, IReadOnlyCollection<string> optionKeys)
    {
        _line = line;
        foreach (var token in line.Tokens)
        {
            if (optionKeys.Count > 0 && !token.Quoted && TrySplitOption(token.Text, out var key, out var value))
            {
                if (optionKeys.Contains(key)) Options[key] = value;
                else UnknownOptions.Add(key);
                continue;
            }
            _positional.Add(token);
        }
    }

    public IReadOnlyList<string> Positional => _positional.Select(t => t.Text).ToList();

    public int Count => _positional.Count;

    public string this[int index] => _positional[index].Text;

    public Dictionary<string, string> Options { get; } = new(StringComparer.Ordinal);

    public List<string> UnknownOptions { get; } = [];

    /// <summary>The raw text from positional word <paramref name="index"/> to the end (spacing kept; options removed when declared).</summary>
    public string Rest(int index)
    {
        if (index >= _positional.Count) return "";
        if (index == _positional.Count - 1 && _positional[index].Quoted) return _positional[index].Text;
        var from = _positional[index].Start;
        var to = _positional[^1].End;
        var raw = _line.ArgText[from..to];
        // A declared option in the middle of the rest is cut out so it is not read as text.
        foreach (var opt in _line.Tokens.Where(t => t.Start > from && t.End <= to && !_positional.Contains(t)).Reverse())
            raw = raw.Remove(opt.Start - from, opt.End - opt.Start);
        return raw.Trim();
    }

    private static bool TrySplitOption(string text, out string key, out string value)
    {
        var normalized = text.Replace('＝', '=');
        var eq = normalized.IndexOf('=');
        key = value = "";
        if (eq <= 0) return false;
        var k = TextWidth.Fold(normalized[..eq]).ToLowerInvariant();
        if (!k.All(c => char.IsAsciiLetter(c) || c == '_')) return false;
        key = k;
        value = normalized[(eq + 1)..];
        return true;
    }
}
