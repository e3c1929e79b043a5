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

    /// <summary>"path:line:column: $.json.path problem" (the line and column of the value, or of the nearest enclosing one).</summary>
    public ConfigFileException Error(string jsonPath, string problem)
    {
        string? where = null;
        try
        {
            if (Locate(File.ReadAllText(Path), jsonPath) is var (line, column)) where = $":{line}:{column}";
        }
        catch (IOException)
        {
            // The file went away meanwhile: the JSON path alone still says where.
        }
        return new($"{Path}{where}: {jsonPath} {problem}");
    }

    /// <summary>
    /// Line and column (1-based) of the value at a JSON path such as <c>$.products[2].price</c>; when that value is
    /// absent (a missing key), of the nearest enclosing value. Null when the text is not JSON.
    /// </summary>
    public static (int Line, int Column)? Locate(string text, string jsonPath)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var starts = new Dictionary<string, int>();
        var frames = new List<Frame>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            while (reader.Read())
            {
                var top = frames.Count > 0 ? frames[^1] : null;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        top!.Property = reader.GetString();
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        continue;
                }
                var here = top is null ? "$" : top.IsArray ? $"{top.Path}[{top.Index++}]" : $"{top.Path}.{top.Property}";
                starts.TryAdd(here, (int)reader.TokenStartIndex);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    frames.Add(new Frame(here, reader.TokenType == JsonTokenType.StartArray));
            }
        }
        catch (JsonException)
        {
            return null;
        }
        for (var path = jsonPath; path.Length > 0; path = path[..Math.Max(0, path.LastIndexOfAny(['.', '[']))])
        {
            if (!starts.TryGetValue(path, out var offset)) continue;
            var before = System.Text.Encoding.UTF8.GetString(bytes, 0, offset);
            var lineStart = before.LastIndexOf('\n') + 1;
            return (before.Count(c => c == '\n') + 1, before.Length - lineStart + 1);
        }
        return null;
    }

    private sealed class Frame(string path, bool isArray)
    {
        public string Path { get; } = path;
        public bool IsArray { get; } = isArray;
        public int Index { get; set; }
        public string? Property { get; set; }
    }

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
        return GroupBot.Text.Money.TryParse(text, out var fen) ? fen : throw Error($"{at}.{name}", $"'{text ?? v.GetRawText()}' is not an amount such as 9.9 or \"¥9.90\"");
    }
}
