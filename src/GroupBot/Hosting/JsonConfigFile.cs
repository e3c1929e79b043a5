using System.Text.Json;

namespace GroupBot.Hosting;

/// <summary>A config file that cannot be used, with where: path:line:column or path and JSON path.</summary>
public sealed class ConfigFileException(string message) : Exception(message);

/// <summary>Reads an operator's JSON file; every problem names the file and where: path:line:column, or the JSON path.</summary>
public sealed class JsonConfigFile(string path, JsonElement root)
{
    public string Path { get; } = path;
    public JsonElement Root { get; } = root;

    public static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ConfigFileException($"{path}:{ex.LineNumber + 1}:{ex.BytePositionInLine + 1}: not valid JSON ({ex.Message.Split(". ")[0].TrimEnd('.')})");
        }
    }

    public ConfigFileException Error(string jsonPath, string problem) => new($"{Path}: {jsonPath} {problem}");

    /// <summary>The array under <paramref name="name"/> at the root.</summary>
    public IEnumerable<(JsonElement Item, string At)> Array(string name)
    {
        if (!Root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
            throw Error($"$.{name}", "must be an array");
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var at = $"$.{name}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object) throw Error(at, "must be an object");
            yield return (item, at);
        }
    }

    public string Text(JsonElement e, string at, string name, bool required = true)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw Error($"{at}.{name}", "is missing") : "";
        if (v.ValueKind != JsonValueKind.String) throw Error($"{at}.{name}", "must be a string");
        var s = v.GetString()!.Trim();
        if (required && s.Length == 0) throw Error($"{at}.{name}", "is empty");
        return s;
    }

    public List<string> Texts(JsonElement e, string at, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
            throw Error($"{at}.{name}", "must be an array of strings");
        return v.EnumerateArray().Select(x => x.GetString()!.Trim()).Where(x => x.Length > 0).ToList();
    }

    /// <summary>An amount as a number (9.9) or a string ("¥9.90"), in fen.</summary>
    public long? Money(JsonElement e, string at, string name, bool required)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw Error($"{at}.{name}", "is missing") : null;
        var text = v.ValueKind == JsonValueKind.Number ? v.GetRawText() : v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return Games.Money.TryParse(text, out var fen) ? fen : throw Error($"{at}.{name}", $"'{text ?? v.GetRawText()}' is not an amount such as 9.9 or \"¥9.90\"");
    }
}
