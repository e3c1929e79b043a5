using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GroupBot.Faq;

namespace GroupBot.OpsConsole;

/// <summary>
/// FAQ export and import as CSV (key, question, aliases joined by |, answer; Excel-friendly, UTF-8 with BOM) or as
/// faq.json itself. An import becomes a new config/faq.json, checked and saved like any edit of it.
/// </summary>
public static partial class FaqTransfer
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ToCsv(IEnumerable<FaqSeedEntry> entries)
    {
        var sb = new StringBuilder("\uFEFFkey,question,aliases,answer\r\n");
        foreach (var e in entries) sb.Append(string.Join(',', new[] { e.Key, e.Question, string.Join('|', e.Aliases), e.Answer }.Select(Field))).Append("\r\n");
        return sb.ToString();
    }

    public static string ToJson(IEnumerable<FaqSeedEntry> entries) => JsonSerializer.Serialize(new
    {
        entries = entries.Select(e => new { key = e.Key, question = e.Question, aliases = e.Aliases, answer = e.Answer }),
    }, Pretty) + "\n";

    /// <summary>faq.json's text for a CSV, or the problem with its row.</summary>
    public static (string? Json, EditError? Error) FromCsv(string csv)
    {
        var rows = Rows(csv.TrimStart('\uFEFF'));
        if (rows.Count == 0) return (null, new EditError(1, 1, "empty file / 文件是空的"));
        var header = rows[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Col(string name) => header.IndexOf(name);
        if (Col("key") < 0 || Col("answer") < 0) return (null, new EditError(1, 1, "the first row must name the columns key, question, aliases, answer / 第一行须为列名"));
        var entries = new List<object>();
        foreach (var (line, fields) in rows.Skip(1))
        {
            if (fields.All(string.IsNullOrWhiteSpace)) continue;
            if (fields.Count != header.Count) return (null, new EditError(line, 1, $"{fields.Count} columns, the header has {header.Count} / 列数与标题行不同"));
            string At(string name) => Col(name) is var i and >= 0 ? fields[i].Trim() : "";
            entries.Add(new
            {
                key = At("key"), question = At("question"),
                aliases = At("aliases").Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), answer = At("answer"),
            });
        }
        return (JsonSerializer.Serialize(new { entries }, Pretty) + "\n", null);
    }

    /// <summary>An error in the generated faq.json names its entry; said as the CSV row it came from.</summary>
    public static EditError InCsv(EditError error, string csv)
    {
        if (EntryIndex().Match(error.Message) is not { Success: true } m) return error;
        var rows = Rows(csv.TrimStart('\uFEFF')).Skip(1).Where(r => !r.Fields.All(string.IsNullOrWhiteSpace)).ToList();
        var n = int.Parse(m.Groups[1].Value);
        return new EditError(n < rows.Count ? rows[n].Line : 0, n < rows.Count ? 1 : 0, error.Message);
    }

    [GeneratedRegex(@"\$\.entries\[(\d+)\]")]
    private static partial Regex EntryIndex();

    private static string Field(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    /// <summary>RFC 4180 rows (quoted fields may hold commas, quotes and line breaks), each with the line it starts on.</summary>
    private static List<(int Line, List<string> Fields)> Rows(string text)
    {
        var rows = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var (line, start, quoted, any) = (1, 1, false, false);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; any = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString());
                    rows.Add((start, fields));
                    (fields, any) = ([], false);
                    field.Clear();
                    start = ++line;
                    break;
                default: field.Append(c); any = true; break;
            }
        }
        if (any || field.Length > 0)
        {
            fields.Add(field.ToString());
            rows.Add((start, fields));
        }
        return rows;
    }
}
