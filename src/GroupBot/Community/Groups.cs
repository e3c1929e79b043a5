using System.Collections.Concurrent;
using GroupBot.Chat;
using GroupBot.Hosting;
using GroupBot.Storage;
using LiteDB;
using Microsoft.Extensions.Options;

namespace GroupBot.Community;

public sealed class Group
{
    public ObjectId Id { get; set; } = ObjectId.NewObjectId();
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
    private readonly ILiteCollection<Group> _groups;
    private readonly IOptionsMonitor<BotOptions> _options;
    private readonly TimeProvider _time;
    // Hot path: every message asks for its chat; the cache saves a database read per message.
    private readonly ConcurrentDictionary<long, Group> _cache = new();

    /// <summary>Operator settings from config/groups.json; they win over chat edits for the keys they name.</summary>
    public GroupsFile File { get; } = new();

    public Groups(Database db, IOptionsMonitor<BotOptions> options, TimeProvider time)
    {
        _groups = db.Collection<Group>("groups");
        _groups.EnsureIndex(g => g.ChatId, unique: true);
        _options = options;
        _time = time;
    }

    public Group Ensure(ChatInfo chat)
    {
        if (_cache.TryGetValue(chat.Id, out var cached) && cached.Title == chat.Title && cached.Active) return cached;
        var group = _groups.FindOne(g => g.ChatId == chat.Id);
        if (group is null)
        {
            group = new Group { ChatId = chat.Id, Title = chat.Title, Kind = chat.Kind.ToString(), FirstSeenUtc = _time.GetUtcNow().UtcDateTime };
            _groups.Insert(group);
        }
        else if (group.Title != chat.Title || !group.Active || group.Kind != chat.Kind.ToString())
        {
            group.Title = chat.Title;
            group.Kind = chat.Kind.ToString();
            group.Active = true;
            _groups.Update(group);
        }
        _cache[chat.Id] = group;
        return group;
    }

    public void Deactivate(long chatId)
    {
        var group = _groups.FindOne(g => g.ChatId == chatId);
        if (group is null) return;
        group.Active = false;
        _groups.Update(group);
        _cache.TryRemove(chatId, out _);
    }

    /// <summary>Before a migration: a registration made under the new id by an early message would clash.</summary>
    public void RemoveRegistration(long chatId)
    {
        _groups.DeleteMany(g => g.ChatId == chatId);
        _cache.TryRemove(chatId, out _);
    }

    public Group? Find(long chatId) => _groups.FindOne(g => g.ChatId == chatId);

    /// <summary>Whether the allow-list lets the bot serve this chat; a listed group stays listed after it migrates.</summary>
    public bool Allows(long chatId) =>
        File.Allows(chatId) || ((_cache.TryGetValue(chatId, out var g) ? g : Find(chatId))?.MigratedFrom is { } old && File.Allows(old));

    /// <summary>After the database moved a chat's data to its new id: remember the old id for the operator's file.</summary>
    public void Migrated(long oldChatId, long newChatId)
    {
        Forget(newChatId);
        if (Find(newChatId) is not { } group) return;
        group.MigratedFrom = oldChatId;
        Save(group);
    }

    public IReadOnlyList<Group> Active() => _groups.Find(g => g.Active).ToList();

    /// <summary>Saves a change an admin made (tags, pause).</summary>
    public void Save(Group group)
    {
        _groups.Update(group);
        _cache[group.ChatId] = group;
    }

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

    /// <summary>Drop cached copies after the database moved a chat's data to a new id.</summary>
    public void Forget(long chatId) => _cache.TryRemove(chatId, out _);
}
