using System.Security.Cryptography;
using System.Text;
using GroupBot.Hosting;

namespace GroupBot.Faq;

public sealed record FaqSeedEntry(string Key, string Question, string Answer, IReadOnlyList<string> Aliases)
{
    public string Hash() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join("\u0001", [Key, Question, Answer, .. Aliases]))));
}

/// <summary>Reads config/faq.json: { "entries": [ { key, question, answer, aliases[] } ] }.</summary>
public static class FaqSeed
{
    public static IReadOnlyList<FaqSeedEntry> Load(string path)
    {
        if (!File.Exists(path)) return [];
        using var doc = JsonConfigFile.Parse(path);
        var file = new JsonConfigFile(path, doc.RootElement);
        var result = new List<FaqSeedEntry>();
        var names = new Dictionary<string, int>();
        var i = 0;
        foreach (var (e, at) in file.Array("entries"))
        {
            var key = file.Text(e, at, "key");
            var answer = file.Text(e, at, "answer");
            var question = file.Text(e, at, "question", required: false);
            if (key.Any(char.IsWhiteSpace)) throw file.Error($"{at}.key", $"'{key}' must be one word (no spaces)");
            var aliases = file.Texts(e, at, "aliases");
            foreach (var name in aliases.Prepend(key))
            {
                var norm = FaqMatcher.Normalize(name);
                if (names.TryGetValue(norm, out var other) && other != i)
                    throw file.Error(at, $"'{name}' is already used by $.entries[{other}]");
                names[norm] = i;
            }
            result.Add(new FaqSeedEntry(key, question.Length > 0 ? question : key, answer, aliases));
            i++;
        }
        return result;
    }
}
