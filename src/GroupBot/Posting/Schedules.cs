using System.Text.Json;
using GroupBot.Hosting;
using Quartz;

namespace GroupBot.Posting;

/// <param name="Products">null: a post without a product; one id: always that product; several (or "*" for all): rotate</param>
public sealed record Schedule(string Id, string Cron, TimeZoneInfo? Zone, string Template, IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string>? Products, TimeSpan CatchUpWindow)
{
    public bool Rotates => Products is { Count: > 1 } || Products is ["*"];

    /// <summary>The next fire time after <paramref name="after"/> in the schedule's (or the default) time zone.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo defaultZone) =>
        new CronExpression(Cron, Zone ?? defaultZone).GetNextValidTimeAfter(after);
}

/// <summary>config/schedules.json: what is posted when, where. Cron is Quartz's (seconds first: "0 0 10 * * ?").</summary>
public sealed class Schedules
{
    private volatile IReadOnlyList<Schedule> _all = [];

    public IReadOnlyList<Schedule> All => _all;

    public event Action? Changed;

    public Schedule? Find(string id) => _all.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));

    public void Load(string path, Catalog catalog, Func<string, bool> templateExists)
    {
        _all = Read(path, catalog, templateExists);
        Changed?.Invoke();
    }

    public static IReadOnlyList<Schedule> Read(string path, Catalog catalog, Func<string, bool> templateExists)
    {
        if (!File.Exists(path)) return [];
        using var doc = JsonConfigFile.Parse(path);
        var file = new JsonConfigFile(path, doc.RootElement);
        var result = new List<Schedule>();
        foreach (var (e, at) in file.Array("schedules"))
        {
            var id = file.Text(e, at, "id");
            if (result.Any(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase))) throw file.Error($"{at}.id", $"'{id}' is used twice");
            var cron = file.Text(e, at, "cron");
            try
            {
                _ = new CronExpression(cron);
            }
            catch (FormatException ex)
            {
                throw file.Error($"{at}.cron", $"'{cron}' is not a Quartz cron expression (seconds minutes hours day month weekday, e.g. \"0 0 10 * * ?\"): {ex.Message}");
            }
            TimeZoneInfo? zone = null;
            if (file.Text(e, at, "timeZone", required: false) is { Length: > 0 } zoneId && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out zone))
                throw file.Error($"{at}.timeZone", $"'{zoneId}' is not an IANA time zone such as Asia/Shanghai");
            var template = file.Text(e, at, "template");
            if (!templateExists(template)) throw file.Error($"{at}.template", $"'{template}' has no file templates/<lang>/{template}.sbn");
            var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (e.TryGetProperty("tags", out var t) && t.ValueKind != JsonValueKind.Null)
            {
                if (t.ValueKind != JsonValueKind.Object || t.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                    throw file.Error($"{at}.tags", "must be an object of tag: value strings, e.g. {\"tier\": \"gold\"}");
                foreach (var p in t.EnumerateObject()) tags[p.Name] = p.Value.GetString()!;
            }
            IReadOnlyList<string>? products = null;
            if (e.TryGetProperty("products", out var pr) && pr.ValueKind != JsonValueKind.Null)
            {
                products = pr.ValueKind == JsonValueKind.String ? [pr.GetString()!] : file.Texts(e, at, "products");
                foreach (var pid in products.Where(p => p != "*"))
                    if (catalog.Find(pid) is null) throw file.Error($"{at}.products", $"'{pid}' is not a product in products.json");
                if (products.Count == 0) products = null;
            }
            var window = TimeSpan.FromHours(1);
            if (file.Text(e, at, "catchUp", required: false) is { Length: > 0 } w)
            {
                if (Duration.ParseDeadline(w, DateTimeOffset.UnixEpoch, TimeZoneInfo.Utc) is not { } end)
                    throw file.Error($"{at}.catchUp", $"'{w}' is not a duration such as 30m or 2h");
                window = end - DateTimeOffset.UnixEpoch;
            }
            result.Add(new Schedule(id, cron, zone, template, tags, products, window));
        }
        return result;
    }
}
