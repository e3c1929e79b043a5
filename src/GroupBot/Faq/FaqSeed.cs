using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GroupBot.Faq;

public sealed record FaqSeedEntry(string Key, string Question, string Answer, IReadOnlyList<string> Aliases)
{
    public string Hash() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join("\u0001", [Key, Question, Answer, .. Aliases]))));
}

/// <summary>A config file that cannot be used, with where: path:line:column or path and JSON path.</summary>
public sealed class ConfigFileException(string message) : Exception(message);

/// <summary>Reads config/faq.json: { "entries": [ { key, question, answer, aliases[] } ] }.</summary>
public static class FaqSeed
{
    public static IReadOnlyList<FaqSeedEntry> Load(string path)
    {
        if (!File.Exists(path)) return [];
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ConfigFileException($"{path}:{ex.LineNumber + 1}:{ex.BytePositionInLine + 1}: not valid JSON ({FirstSentence(ex.Message)})");
        }
        using (doc)
        {
            if (!doc.RootElement.TryGetProperty("entries", out var entries) || entries.ValueKind != JsonValueKind.Array)
                throw new ConfigFileException($"{path}: $.entries must be an array of entries");
            var result = new List<FaqSeedEntry>();
            var keys = new Dictionary<string, int>();
            var i = 0;
            foreach (var e in entries.EnumerateArray())
            {
                var at = $"{path}: $.entries[{i}]";
                if (e.ValueKind != JsonValueKind.Object) throw new ConfigFileException($"{at} must be an object");
                var key = Text(e, "key", at, required: true);
                var answer = Text(e, "answer", at, required: true);
                var question = Text(e, "question", at, required: false);
                if (key.Any(char.IsWhiteSpace)) throw new ConfigFileException($"{at}.key '{key}' must be one word (no spaces)");
                var aliases = new List<string>();
                if (e.TryGetProperty("aliases", out var al))
                {
                    if (al.ValueKind != JsonValueKind.Array || al.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
                        throw new ConfigFileException($"{at}.aliases must be an array of strings");
                    aliases.AddRange(al.EnumerateArray().Select(a => a.GetString()!.Trim()).Where(a => a.Length > 0));
                }
                foreach (var name in aliases.Prepend(key))
                {
                    var norm = FaqMatcher.Normalize(name);
                    if (keys.TryGetValue(norm, out var other) && other != i)
                        throw new ConfigFileException($"{at}: '{name}' is already used by $.entries[{other}]");
                    keys[norm] = i;
                }
                result.Add(new FaqSeedEntry(key, question.Length > 0 ? question : key, answer, aliases));
                i++;
            }
            return result;
        }
    }

    private static string Text(JsonElement e, string name, string at, bool required)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw new ConfigFileException($"{at}.{name} is missing") : "";
        if (v.ValueKind != JsonValueKind.String) throw new ConfigFileException($"{at}.{name} must be a string");
        var s = v.GetString()!.Trim();
        if (required && s.Length == 0) throw new ConfigFileException($"{at}.{name} is empty");
        return s;
    }

    private static string FirstSentence(string message) => message.Split(". ")[0].TrimEnd('.');
}
