namespace GroupBot.Faq;

/// <summary>One answer. ChatId 0 is global (from config/faq.json); a group's own entry with the same key overrides it.</summary>
public sealed class FaqEntry
{
    public const long Global = 0;

    public long Id { get; set; }
    public long ChatId { get; set; }
    public string Key { get; set; } = "";
    /// <summary>Normalised key, for lookups that ignore width, case and spaces.</summary>
    public string NormKey { get; set; } = "";
    public string Question { get; set; } = "";
    public string Answer { get; set; } = "";
    public List<string> Aliases { get; set; } = [];
    /// <summary>"seed" while it matches config/faq.json; "chat" once an admin changed it.</summary>
    public string Source { get; set; } = "chat";
    public string? SeedHash { get; set; }
    /// <summary>A group's tombstone: the global entry of that key is hidden in this group.</summary>
    public bool Hidden { get; set; }
    public long UpdatedBy { get; set; }
    public DateTime UpdatedUtc { get; set; }
}
