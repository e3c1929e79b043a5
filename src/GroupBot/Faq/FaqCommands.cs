using GroupBot.Chat;
using GroupBot.Commands;

namespace GroupBot.Faq;

/// <summary>/faq: topics, answers, and the admin edits add|del|alias.</summary>
public sealed class FaqCommands(FaqStore store)
{
    public const int MaxKeyLength = 32;
    public const int MaxAnswerLength = 3000;

    // Only the topic list (admins see how to edit) and the edits depend on who asks; a question does not.
    public CommandSpec Spec => new("faq", Role.Member, Handle,
        RoleMatters: args => args.Count == 0 || args[0].ToLowerInvariant() is "add" or "del" or "delete" or "rm" or "alias");

    private Task<IReadOnlyList<ChatAction>> Handle(CommandContext ctx, CancellationToken ct)
    {
        var args = ctx.Args;
        if (args.Count == 0)
            return Done(ctx.Reply("faq_topics", new { Topics = store.Visible(ctx.ChatId).Select(e => e.Key).ToList(), ctx.IsAdmin }));

        return Done(args[0].ToLowerInvariant() switch
        {
            "add" => Admin(ctx, Add, "faq add"),
            "del" or "delete" or "rm" => Admin(ctx, Delete, "faq del"),
            "alias" => Admin(ctx, Alias, "faq alias"),
            _ => Ask(ctx, args.Rest(0)),
        });
    }

    private IReadOnlyList<ChatAction> Ask(CommandContext ctx, string query)
    {
        var (entries, docs) = store.VisibleWithDocs(ctx.ChatId);
        var match = FaqMatcher.Match(query, docs);
        var near = match.Near.Select(i => entries[i].Key).ToList();
        if (match.Kind == FaqMatchKind.None)
            return ctx.Reply("faq_not_found", new { Query = TelegramText.Quote(query, 100), Near = near });
        var best = entries[match.Best];
        return ctx.Reply("faq_answer", new
        {
            best.Key, best.Question, best.Answer, Near = near, Unsure = match.Kind == FaqMatchKind.Unsure,
        });
    }

    private IReadOnlyList<ChatAction> Add(CommandContext ctx)
    {
        if (ctx.Args.Count < 3) return ctx.Usage(ctx.Args.Count < 2 ? "missing_key" : "missing_answer", command: "faq add");
        var key = ctx.Args[1];
        if (KeyProblem(key) is { } problem) return ctx.Usage(problem, key, "faq add");
        var answer = ctx.Args.Rest(2);
        if (answer.Length > MaxAnswerLength) return ctx.Usage("answer_too_long", MaxAnswerLength.ToString(), "faq add");
        var result = store.Put(ctx.ChatId, key, answer, ctx.From.Id);
        return ctx.Reply("faq_saved", new { Key = key, Updated = result == FaqEditResult.Updated });
    }

    private IReadOnlyList<ChatAction> Delete(CommandContext ctx)
    {
        if (ctx.Args.Count != 2) return ctx.Usage(ctx.Args.Count < 2 ? "missing_key" : "one_key", command: "faq del");
        var key = ctx.Args[1];
        return store.Delete(ctx.ChatId, key, ctx.From.Id) == FaqEditResult.NotFound
            ? ctx.Reply("faq_no_such_key", new { Key = key })
            : ctx.Reply("faq_deleted", new { Key = key });
    }

    private IReadOnlyList<ChatAction> Alias(CommandContext ctx)
    {
        if (ctx.Args.Count < 3) return ctx.Usage(ctx.Args.Count < 2 ? "missing_key" : "missing_alias", command: "faq alias");
        var key = ctx.Args[1];
        var aliases = ctx.Args.Positional.Skip(2).ToList();
        if (aliases.Select(KeyProblem).FirstOrDefault(p => p is not null) is { } problem)
            return ctx.Usage(problem, aliases.First(a => KeyProblem(a) is not null), "faq alias");
        var (result, conflict) = store.AddAliases(ctx.ChatId, key, aliases, ctx.From.Id);
        return result switch
        {
            FaqEditResult.NotFound => ctx.Reply("faq_no_such_key", new { Key = key }),
            FaqEditResult.AliasTaken => ctx.Reply("faq_alias_taken", new { Key = key, Alias = conflict }),
            _ => ctx.Reply("faq_alias_added", new { Key = key, Aliases = aliases }),
        };
    }

    private static string? KeyProblem(string key) =>
        key.Length > MaxKeyLength ? "key_too_long"
        : FaqMatcher.Normalize(key).Length == 0 ? "key_empty"
        : null;

    /// <summary>An edit, for admins; a member is told which sub-command is theirs not to use (/faq itself is everyone's).</summary>
    private static IReadOnlyList<ChatAction> Admin(CommandContext ctx, Func<CommandContext, IReadOnlyList<ChatAction>> edit, string command) =>
        ctx.IsAdmin ? edit(ctx) : ctx.NotAllowed(command);

    private static Task<IReadOnlyList<ChatAction>> Done(IReadOnlyList<ChatAction> actions) => Task.FromResult(actions);
}
