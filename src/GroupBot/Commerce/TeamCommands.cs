using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Community;

namespace GroupBot.Commerce;

/// <summary>
/// /team: a distributor's leader and team with this month's team sales; an admin's "/team @member @leader" (or "none")
/// sets a leader over what invite links recorded. Teams are brand-wide, so like /level only an operator or an admin of a
/// trusted group may change one.
/// </summary>
public sealed class TeamCommands(Teams teams, Members members, Orders orders, Trust trust, TimeProvider time)
{
    public CommandSpec Spec => new("team", Role.Member, (ctx, _) => Task.FromResult(Run(ctx)), RoleMatters: args => args.Count > 0);

    private IReadOnlyList<ChatAction> Run(CommandContext ctx)
    {
        if (ctx.Args.Count > 0) return Set(ctx);
        var me = members.Seen(ctx.From);
        var month = Orders.MonthOf(time.GetUtcNow().UtcDateTime, ctx.TimeZone);
        var team = teams.MembersOf(me.UserId);
        var statement = orders.StatementOf(me.UserId, month);
        return ctx.Reply("team", new
        {
            Name = Members.DisplayName(me),
            Leader = teams.LeaderOf(me.UserId) is { } l && members.Find(l) is { } leader ? Members.DisplayName(leader) : "",
            Count = team.Count,
            Names = team.Take(20).Select(id => members.Find(id) is { } m ? Members.DisplayName(m) : id.ToString()).ToList(),
            More = Math.Max(0, team.Count - 20),
            Month = month,
            TeamSales = Money.Format(statement.TeamSalesFen),
            Override = Money.Format(statement.OverrideFen),
            Set = false,
        });
    }

    private IReadOnlyList<ChatAction> Set(CommandContext ctx)
    {
        if (!ctx.IsAdmin) return ctx.NotAllowed("team @member @leader");
        if (!trust.CountsBrandWide(ctx.ChatId, ctx.From.Id)) return ctx.Refused("team_needs_trust");
        if (ctx.Args.Count < 2) return Notice(ctx, "team_form");
        if (members.Resolve(ctx.Args[0], ctx.Message) is not { } who) return Notice(ctx, "team_unknown_user", ctx.Args[0]);
        long? leaderId = null;
        if (Words.OnOff(ctx.Args[1]) is false || ctx.Args[1] is "none" or "无")
        {
            // no leader
        }
        else if (ctx.Args[1].StartsWith('@') && members.Resolve(ctx.Args[1], ctx.Message) is { } leader) leaderId = leader.UserId;
        else return Notice(ctx, "team_unknown_user", ctx.Args[1]);
        if (leaderId == who.UserId) return Notice(ctx, "team_self");
        if (leaderId is { } l && teams.WouldLoop(who.UserId, l)) return Notice(ctx, "team_loop");
        teams.Set(who.UserId, leaderId, ctx.From.Id, time.GetUtcNow().UtcDateTime);
        return ctx.Reply("team", new
        {
            Name = Members.DisplayName(who),
            Leader = leaderId is { } id && members.Find(id) is { } m ? Members.DisplayName(m) : "",
            Count = 0, Names = new List<string>(), More = 0, Month = "", TeamSales = "", Override = "",
            Set = true,
        });
    }

    private static IReadOnlyList<ChatAction> Notice(CommandContext ctx, string code, string? value = null) =>
        ctx.Reply("commerce_notice", new { Code = code, Value = TelegramText.Quote(value), More = "" });
}
