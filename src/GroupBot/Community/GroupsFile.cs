using System.Text.Json;
using GroupBot.Hosting;

namespace GroupBot.Community;

public sealed record GroupSettings(long ChatId, string? Title, IReadOnlyDictionary<string, string> Tags, string? Language, string? TimeZone);

/// <summary>
/// config/groups.json: per-group settings an operator keeps in a file (tags, language, time zone) and, with
/// "allowList": true, the only groups the bot serves — it leaves any other group it is added to.
/// </summary>
public sealed class GroupsFile
{
    private volatile Snapshot _current = new(false, []);

    public bool AllowList => _current.AllowList;

    public GroupSettings? Find(long chatId) => _current.Groups.GetValueOrDefault(chatId);

    public IReadOnlyCollection<GroupSettings> All => _current.Groups.Values;

    public bool Allows(long chatId) => !_current.AllowList || _current.Groups.ContainsKey(chatId);

    public void Load(string path) => _current = Read(path);

    private static Snapshot Read(string path)
    {
        if (!File.Exists(path)) return new Snapshot(false, []);
        using var doc = JsonConfigFile.Parse(path);
        var file = new JsonConfigFile(path, doc.RootElement);
        var allow = doc.RootElement.TryGetProperty("allowList", out var a) && a.ValueKind == JsonValueKind.True;
        if (doc.RootElement.TryGetProperty("allowList", out a) && a.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw file.Error("$.allowList", "must be true or false");
        var groups = new Dictionary<long, GroupSettings>();
        foreach (var (e, at) in file.Array("groups"))
        {
            if (!e.TryGetProperty("id", out var idProp) || !idProp.TryGetInt64(out var id) || id >= 0)
                throw file.Error($"{at}.id", "must be the group's chat id, a negative number such as -1001234567890");
            if (groups.ContainsKey(id)) throw file.Error($"{at}.id", $"{id} is listed twice");
            var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (e.TryGetProperty("tags", out var t) && t.ValueKind != JsonValueKind.Null)
            {
                if (t.ValueKind != JsonValueKind.Object || t.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                    throw file.Error($"{at}.tags", "must be an object of tag: value strings");
                foreach (var p in t.EnumerateObject()) tags[p.Name.ToLowerInvariant()] = p.Value.GetString()!;
            }
            var language = file.Text(e, at, "language", required: false);
            if (language.Length > 0 && !OptionsChecks.Languages.Contains(language)) throw file.Error($"{at}.language", $"'{language}' must be zh-CN or en");
            var zone = file.Text(e, at, "timeZone", required: false);
            if (zone.Length > 0 && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _)) throw file.Error($"{at}.timeZone", $"'{zone}' is not an IANA time zone");
            groups[id] = new GroupSettings(id, NullIfEmpty(file.Text(e, at, "title", required: false)), tags, NullIfEmpty(language), NullIfEmpty(zone));
        }
        return new Snapshot(allow, groups);
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    private sealed record Snapshot(bool AllowList, Dictionary<long, GroupSettings> Groups);
}
