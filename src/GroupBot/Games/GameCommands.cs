using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Community;
using GroupBot.Games.Lottery;
using GroupBot.Templates;

namespace GroupBot.Games;

/// <summary>What all games share in chat: /join, /grab, /games, /end, /cancel, the game buttons and deadlines.</summary>
public sealed class GameCommands(GameStore store, LotteryFlow lottery, Groups groups, TemplateStore templates)
{
    public IEnumerable<CommandSpec> Specs =>
    [
        new("join", Role.Member, (ctx, _) => Done(Play(ctx, "join"))),
        new("grab", Role.Member, (ctx, _) => Done(Play(ctx, "grab"))),
        new("games", Role.Member, (ctx, _) => Done(List(ctx))),
        new("end", Role.Admin, (ctx, _) => Done(Admin(ctx, "end"))),
        new("cancel", Role.Admin, (ctx, _) => Done(Admin(ctx, "cancel"))),
    ];

    /// <summary>A press of a game button ("g:&lt;id&gt;:join|grab"): answered with a toast only the presser sees.</summary>
    public IReadOnlyList<ChatAction> Press(ButtonPressed press)
    {
        var view = View(press.Chat);
        Reply toast = text => [new AnswerButton(press.ChatId, press.CallbackId, text)];
        var parts = press.Data.Split(':');
        if (parts is not ["g", var idText, var verb] || !int.TryParse(idText, out var id)) return toast(view.Notice("game_ended"));
        var game = store.Find(press.ChatId, id);
        if (game is null || !game.IsLive) return toast(view.Notice("game_ended"));
        return verb switch
        {
            "join" => lottery.Join(view, game, press.From, toast),
            "grab" => lottery.Grab(view, game, press.From, toast),
            _ => toast(view.Notice("game_ended")),
        };
    }

    public IReadOnlyList<ChatAction> Deadline(DeadlineDue due)
    {
        var game = store.Find(due.ChatId, due.GameId);
        // A stale timer (the phase changed, or the game ended meanwhile) does nothing.
        // LiteDB keeps milliseconds, so a deadline read back may differ from the timer's by less than one.
        if (game is null || !game.IsLive || Math.Abs((game.DeadlineUtc - due.DueUtc).TotalMilliseconds) >= 1) return [];
        return lottery.DeadlineReached(View(due.Chat), game, due.Late);
    }

    private IReadOnlyList<ChatAction> Play(CommandContext ctx, string verb)
    {
        var view = View(ctx);
        Reply reply = text => [new SendText(ctx.ChatId, text, ReplyTo: ctx.Message.MessageId)];
        var live = store.Live(ctx.ChatId);
        Game? game;
        if (ctx.Args.Count > 0)
        {
            if (!int.TryParse(TextWidth.Fold(ctx.Args[0]), out var id)) return ctx.Usage("game_id", ctx.Args[0]);
            game = live.FirstOrDefault(g => g.Id == id);
            if (game is null) return reply(view.Notice("no_such_game", id));
        }
        else
        {
            // Without an id: the game in the phase this verb belongs to (join → filling, grab → grabbing).
            var wanted = verb == "join" ? GameState.Open : GameState.Full;
            game = live.LastOrDefault(g => g.State == wanted) ?? live.LastOrDefault();
            if (game is null) return reply(view.Notice("no_live_game"));
        }
        return verb == "join" ? lottery.Join(view, game, ctx.From, reply) : lottery.Grab(view, game, ctx.From, reply);
    }

    private IReadOnlyList<ChatAction> List(CommandContext ctx)
    {
        var view = View(ctx);
        var games = store.Live(ctx.ChatId).Select(g => LotteryFlow.Model(view, g)).ToList();
        return ctx.Reply("games_list", new { Games = games });
    }

    private IReadOnlyList<ChatAction> Admin(CommandContext ctx, string verb)
    {
        var view = View(ctx);
        Reply reply = text => [new SendText(ctx.ChatId, text, ReplyTo: ctx.Message.MessageId)];
        var live = store.Live(ctx.ChatId);
        Game? game;
        if (ctx.Args.Count > 0)
        {
            if (!int.TryParse(TextWidth.Fold(ctx.Args[0]), out var id)) return ctx.Usage("game_id", ctx.Args[0]);
            game = live.FirstOrDefault(g => g.Id == id);
            if (game is null) return reply(view.Notice("no_such_game", id));
        }
        else if (live.Count == 1) game = live[0];
        else return reply(view.Notice(live.Count == 0 ? "no_live_game" : "which_game", string.Join(", ", live.Select(g => "#" + g.Id))));
        return verb == "end" ? lottery.End(view, game, reply) : lottery.Cancel(view, game);
    }

    private GameView View(CommandContext ctx) => new(ctx.ChatId, ctx.Language, ctx.TimeZone, templates);

    private GameView View(ChatInfo chat)
    {
        var group = groups.Ensure(chat);
        return new GameView(chat.Id, groups.LanguageOf(group), groups.TimeZoneOf(group), templates);
    }

    private static Task<IReadOnlyList<ChatAction>> Done(IReadOnlyList<ChatAction> actions) => Task.FromResult(actions);
}
