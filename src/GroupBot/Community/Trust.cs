using GroupBot.Hosting;
using Microsoft.Extensions.Options;

namespace GroupBot.Community;

/// <summary>
/// Who may change what across the brand. Anyone can create a group, add the bot and be its admin, so a group admin's
/// records (points, sales, game wins, gifts, recruits) count in that group only — unless an operator trusts the group:
/// it is listed in config/groups.json, or an operator tagged it <c>trusted=yes</c> with /tag. Brand-wide views (/me's
/// totals and rank, /top across a tag, automatic promotion) add up only trusted groups' records and operators' own.
/// A level set with /level is brand-wide: only an operator or an admin of a trusted group may set one.
/// </summary>
public sealed class Trust(Groups groups, IOptionsMonitor<BotOptions> options)
{
    /// <summary>The tag an operator sets with /tag to trust a group; a group admin cannot set or remove it.</summary>
    public const string Tag = "trusted";

    public bool IsOperator(long userId) => options.CurrentValue.Operators.Contains(userId);

    public bool IsTrusted(long chatId)
    {
        if (groups.File.Find(chatId) is not null) return true;
        if (groups.Find(chatId) is not { } group) return false;
        if (group.MigratedFrom is { } old && groups.File.Find(old) is not null) return true;
        return group.Tags.TryGetValue(Tag, out var v) && IsYes(v);
    }

    /// <summary>Whether an entry made in this chat by this user counts brand-wide.</summary>
    public bool CountsBrandWide(long chatId, long byUserId) => IsOperator(byUserId) || IsTrusted(chatId);

    public static bool IsYes(string value) => value.Trim().ToLowerInvariant() is "yes" or "true" or "1" or "on";
}
