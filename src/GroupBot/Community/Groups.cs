using GroupBot.Chat;
using GroupBot.Hosting;
using GroupBot.Storage;
using Microsoft.Extensions.Options;

namespace GroupBot.Community;

public sealed class Group
{
    public long ChatId { get; set; }
    public string Title { get; set; } = "";
    public string Kind { get; set; } = "";
    public string? Language { get; set; }
    public string? TimeZone { get; set; }
    public bool Active { get; set; } = true;
    /// <summary>Segments for targeting posts and broadcasts, e.g. city=上海, tier=gold (set with /tag).</summary>
    public Dictionary<string, string> Tags { get; set; } = [];
    /// <summary>/pause: no scheduled posts here until /resume.</summary>
    public bool PostsPaused { get; set; }
    /// <summary>/welcome off: no greeting for newcomers here.</summary>
    public bool WelcomeOff { get; set; }
    public DateTime FirstSeenUtc { get; set; }
    /// <summary>The basic group's id before Telegram made it a supergroup: config/groups.json may still list that id.</summary>
    public long? MigratedFrom { get; set; }
}

/// <summary>The chats the bot serves. Registered on first sight; title kept current; inactive once the bot is removed.</summary>
public sealed class Groups
{
    private readonly Table<long, Group> _groups;
    private readonly IOptionsMonitor<BotOptions> _options;
    private readonly TimeProvider _time;

    /// <summary>Operator settings from config/groups.json; they win over chat edits for the keys they name.</summary>
    public GroupsFile File { get; } = new();

    public Groups(Database db, IOptionsMonitor<BotOptions> options, TimeProvider time)
    {
        _groups = db.Table<long, Group>("groups", g => g.ChatId).Index("Active", g => g.Active ? true : null);
        _options = options;
        _time = time;
    }

    public Group Ensure(ChatInfo chat)
    {
        var group = _groups.Get(chat.Id);
        if (group is not null && group.Title == chat.Title && group.Active && group.Kind == chat.Kind.ToString()) return group;
        if (group is null) group = new Group { ChatId = chat.Id, Title = chat.Title, Kind = chat.Kind.ToString(), FirstSeenUtc = _time.GetUtcNow().UtcDateTime };
        else
        {
            group.Title = chat.Title;
            group.Kind = chat.Kind.ToString();
            group.Active = true;
        }
        _groups.Put(group);
        return group;
    }

    public void Deactivate(long chatId)
    {
        if (_groups.Get(chatId) is not { } group) return;
        var wasActive = group.Active;
        group.Active = false;
        _groups.Put(group);
        if (wasActive && Deactivated is { } deactivated && Unit.Current is { } unit) unit.AfterCommit(() => deactivated(group));
    }

    /// <summary>A group went inactive (the bot was removed, Telegram refused it, or it is not on the allow-list), once durable.</summary>
    public event Action<Group>? Deactivated;

    /// <summary>Before a migration: a registration made under the new id by an early message would clash.</summary>
    public void RemoveRegistration(long chatId)
    {
        if (_groups.Exists(chatId)) _groups.Delete(chatId);
    }

    public Group? Find(long chatId) => _groups.Get(chatId);

    /// <summary>Whether the allow-list lets the bot serve this chat; a listed group stays listed after it migrates.</summary>
    public bool Allows(long chatId) =>
        File.Allows(chatId) || (Find(chatId)?.MigratedFrom is { } old && File.Allows(old));

    /// <summary>After the database moved a chat's data to its new id: remember the old id for the operator's file.</summary>
    public void Migrated(long oldChatId, long newChatId)
    {
        if (Find(newChatId) is not { } group) return;
        group.MigratedFrom = oldChatId;
        Save(group);
    }

    public IReadOnlyList<Group> Active() => _groups.Where("Active", true).OrderBy(g => g.ChatId).ToList();

    /// <summary>Saves a change an admin made (tags, pause).</summary>
    public void Save(Group group) => _groups.Put(group);

    /// <summary>Groups whose tags include every tag asked for (no tags: every active group).</summary>
    public bool Matches(Group group, IReadOnlyDictionary<string, string> tags)
    {
        var mine = TagsOf(group);
        return tags.All(t => mine.TryGetValue(t.Key, out var v) && string.Equals(v, t.Value, StringComparison.OrdinalIgnoreCase));
    }

    public string LanguageOf(Group group) => SettingsOf(group)?.Language ?? group.Language ?? _options.CurrentValue.Language;

    /// <summary>A group's tags: those set with /tag, with the file's settings over them.</summary>
    public IReadOnlyDictionary<string, string> TagsOf(Group group)
    {
        if (SettingsOf(group) is not { Tags.Count: > 0 } settings) return group.Tags;
        var merged = new Dictionary<string, string>(group.Tags, StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in settings.Tags) merged[k] = v;
        return merged;
    }

    /// <summary>The tag keys config/groups.json sets for this group: /tag cannot change them.</summary>
    public IReadOnlySet<string> FileTagKeys(Group group) =>
        SettingsOf(group) is { } settings ? settings.Tags.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase) : new HashSet<string>();

    public TimeZoneInfo TimeZoneOf(Group group) =>
        (SettingsOf(group)?.TimeZone ?? group.TimeZone) is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone
        : TimeZoneInfo.FindSystemTimeZoneById(_options.CurrentValue.TimeZone);

    /// <summary>The operator's file settings for a group, under its id or the id it had before it migrated.</summary>
    private GroupSettings? SettingsOf(Group group) =>
        File.Find(group.ChatId) ?? (group.MigratedFrom is { } old ? File.Find(old) : null);

    /// <summary>What an internal event (a timer) needs to know about a chat it was not told about.</summary>
    public ChatInfo InfoOf(long chatId) => Find(chatId) is { } g && Enum.TryParse<ChatKind>(g.Kind, out var kind)
        ? new ChatInfo(chatId, kind, g.Title)
        : new ChatInfo(chatId, ChatKind.Supergroup, chatId.ToString());
}
