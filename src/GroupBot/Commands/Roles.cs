using System.Collections.Concurrent;
using GroupBot.Chat;
using GroupBot.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Commands;

public enum Role { Member, Admin }

/// <summary>
/// Who may do what: operators from config are admins everywhere; otherwise the chat's own admins,
/// asked of the chat network and cached briefly (Bot:AdminCacheSeconds) so a busy group does not hammer the API. A
/// promotion or demotion (chat_member) drops the cache at once; when the network cannot be asked, nobody is an admin.
/// </summary>
public sealed class Roles(IChatAdapter adapter, IOptionsMonitor<BotOptions> options, TimeProvider time, ILogger<Roles> log)
{
    private readonly ConcurrentDictionary<long, (DateTimeOffset At, IReadOnlySet<long> Admins)> _cache = new();

    public async Task<Role> RoleOf(ChatInfo chat, long userId, CancellationToken ct)
    {
        if (options.CurrentValue.Operators.Contains(userId)) return Role.Admin;
        if (chat.Kind is ChatKind.Private) return Role.Member;
        var admins = await AdminsOf(chat.Id, ct);
        return admins.Contains(userId) ? Role.Admin : Role.Member;
    }

    /// <summary>Forget a chat's admins (after a migration or a member status change).</summary>
    public void Forget(long chatId) => _cache.TryRemove(chatId, out _);

    private async Task<IReadOnlySet<long>> AdminsOf(long chatId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var ttl = TimeSpan.FromSeconds(options.CurrentValue.AdminCacheSeconds);
        if (_cache.TryGetValue(chatId, out var hit) && now - hit.At < ttl) return hit.Admins;
        try
        {
            var admins = await adapter.GetChatAdminsAsync(chatId, ct);
            _cache[chatId] = (now, admins);
            return admins;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Without an answer nobody gets admin rights: refusing is safer than granting. A list older than its lifetime
            // is not trusted either (the admin may have been demoted since); operators keep their rights from config.
            log.LogWarning("Could not read the admins of chat {ChatId}: {Error}; admin commands refused until it answers", chatId, ex.Message);
            return new HashSet<long>();
        }
    }
}
