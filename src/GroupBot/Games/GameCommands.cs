using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Community;
using GroupBot.Games.PriceGuess;
using GroupBot.Storage;
using GroupBot.Templates;

namespace GroupBot.Games;

/// <summary>
/// What all games share in chat: /join, /leave, /grab, /g, /games, /end, /cancel, the game buttons, replies to a
/// game's message, deadlines and coalesced message edits. Each is passed to the game's own flow by its kind.
/// </summary>
public sealed class GameCommands(GameStore store, IEnumerable<IGameFlow> flows, GuessFlow guess, GameMessages messages,
    SentMessages sent, Groups groups, TemplateStore templates)
{
    private readonly Dictionary<string, IGameFlow> _flows = flows.ToDictionary(f => f.Kind);

    /// <summary>Which verbs each kind answers, to pick the game a bare /join or /g means.</summary>
    private static readonly Dictionary<string, string[]> Verbs = new()
    {
        ["lottery"] = ["join", "grab"],
        ["groupbuy"] = ["join", "leave"],
        ["guess"] = ["guess"],
        ["bargain"] = ["help"],
        ["jigsaw"] = [],
    };

    public IEnumerable<CommandSpec> Specs =>
    [
        // A player's role changes nothing in a game: Telegram is not asked for the group's admins on every join.
        new("join", Role.Member, (ctx, _) => Done(Play(ctx, "join")), RoleMatters: NoRole),
        new("leave", Role.Member, (ctx, _) => Done(Play(ctx, "leave")), RoleMatters: NoRole),
        new("grab", Role.Member, (ctx, _) => Done(Play(ctx, "grab")), RoleMatters: NoRole),
        new("g", Role.Member, (ctx, _) => Done(Play(ctx, "guess")), RoleMatters: NoRole),
        new("games", Role.Member, (ctx, _) => Done(List(ctx)), RoleMatters: NoRole),
        new("verify", Role.Member, (ctx, _) => Done(Verify(ctx)), RoleMatters: NoRole),
        new("end", Role.Admin, (ctx, _) => Done(Admin(ctx, "end"))),
        new("cancel", Role.Admin, (ctx, _) => Done(Admin(ctx, "cancel"))),
    ];

    private static bool NoRole(CommandArgs _) => false;

    /// <summary>A press of a game button ("g:&lt;id&gt;:&lt;verb&gt;"): answered with a toast only the presser sees.</summary>
    public IReadOnlyList<ChatAction> Press(ButtonPressed press)
    {
        var view = View(press.Chat);
        Reply toast = text => [new AnswerButton(press.ChatId, press.CallbackId, text)];
        if (press.Data.Split(':') is not ["g", var idText, var verb] || !int.TryParse(idText, out var id)) return toast(view.Notice("game_ended"));
        var game = store.Find(press.ChatId, id);
        if (game is null || !game.IsLive) return toast(view.Notice("game_ended"));
        return _flows[game.Kind].Play(view, game, press.From, verb, "", toast);
    }

    /// <summary>A plain message replying to a price-guess message is a guess.</summary>
    public IReadOnlyList<ChatAction> Replied(MessageReceived message, Group group)
    {
        if (message.ReplyToMessageId is not { } to || sent.TagOf(message.ChatId, to) is not { } tag || !tag.StartsWith("game:", StringComparison.Ordinal)) return [];
        if (!int.TryParse(tag[5..], out var id) || store.Find(message.ChatId, id) is not { Kind: "guess" } game) return [];
        var view = new GameView(message.ChatId, groups.LanguageOf(group), groups.TimeZoneOf(group), templates);
        Reply reply = text => [new SendText(message.ChatId, text, ReplyTo: message.MessageId)];
        if (!game.IsLive) return reply(view.Notice("guess_closed"));
        return guess.Guess(view, game, message.From, message.Text, reply, message.MessageId);
    }

    /// <summary>Commands whose arguments are game ids, not guesses: "/join 1" is no leak of a ¥1 price.</summary>
    private static readonly HashSet<string> IdCommands = ["join", "leave", "grab", "end", "cancel", "verify", "games", "stats"];

    /// <summary>
    /// Any message in the chat that gives away an open guess's answer is deleted, whoever sent it and whatever its
    /// tries (a guess after the last try, a winner's repeat, plain chat): <paramref name="actions"/> plus that deletion.
    /// </summary>
    public IReadOnlyList<ChatAction> WithoutLeaks(MessageReceived message, IReadOnlyList<ChatAction> actions)
    {
        if (message.Chat.Kind == ChatKind.Private || actions.Any(a => a is DeleteMessage d && d.MessageId == message.MessageId)) return actions;
        if (CommandLine.Parse(message.Text) is { } line && IdCommands.Contains(line.Name)) return actions;
        if (!store.Live(message.ChatId).Any(g => g.Kind == "guess" && GuessRules.Reveals(g, message.Text))) return actions;
        return [new DeleteMessage(message.ChatId, message.MessageId), .. actions];
    }

    public IReadOnlyList<ChatAction> Deadline(DeadlineDue due)
    {
        var game = store.Find(due.ChatId, due.GameId);
        // A stale timer (the phase changed, or the game ended meanwhile) does nothing.
        // The store keeps milliseconds, so a deadline read back after a restart may differ from the timer's by less than one.
        if (game is null || !game.IsLive || Math.Abs((game.DeadlineUtc - due.DueUtc).TotalMilliseconds) >= 1) return [];
        return _flows[game.Kind].DeadlineReached(View(due.Chat), game, due.Late);
    }

    public IReadOnlyList<ChatAction> Refresh(GameRefreshDue due)
    {
        var game = store.Find(due.ChatId, due.GameId);
        // An ended game's message was edited when it ended.
        return game is { IsLive: true } ? messages.Refresh(View(due.Chat), game, _flows[game.Kind]) : [];
    }

    private IReadOnlyList<ChatAction> Play(CommandContext ctx, string verb)
    {
        var view = GameView.Of(ctx);
        Reply reply = text => [new SendText(ctx.ChatId, text, ReplyTo: ctx.Message.MessageId)];
        var live = store.Live(ctx.ChatId);
        var candidates = live.Where(g => Verbs[g.Kind].Contains(verb)).ToList();
        var text = ctx.Args.Count > 0 ? ctx.Args.Rest(0) : "";
        Game? game;
        if (verb == "guess")
        {
            if (text.Length == 0) return ctx.Usage("missing_guess");
            game = candidates.LastOrDefault();
        }
        else if (ctx.Args.Count > 0)
        {
            if (!int.TryParse(TextWidth.Fold(ctx.Args[0]), out var id)) return ctx.Usage("game_id", ctx.Args[0]);
            game = candidates.FirstOrDefault(g => g.Id == id);
            // A running game of a kind this verb is not for (/join of a price guess, /leave of a lottery) is named as such.
            if (game is null) return reply(view.Notice(live.Any(g => g.Id == id) ? "wrong_move" : "no_such_game", id));
        }
        else
        {
            // Without an id: the games in the phase the verb belongs to (a lottery still filling for /join…; /leave: the
            // group buys the caller is in). One is meant; with more, the bot does not guess: it lists them with ids and buttons.
            var meant = candidates.Where(g => verb switch
            {
                "grab" => g.State == GameState.Full,
                "leave" => g.State == GameState.Open && g.PlayerOf(ctx.From.Id) is not null,
                _ => g.State == GameState.Open,
            }).ToList();
            if (meant.Count > 1) return Which(ctx, view, verb, meant);
            game = meant.SingleOrDefault() ?? candidates.LastOrDefault();
        }
        if (game is null) return reply(view.Notice(verb == "guess" ? "no_guess_game" : "no_live_game"));
        // A right /g gives the answer away, so the guess flow gets the message to delete it.
        if (verb == "guess") return guess.Guess(view, game, ctx.From, text, reply, ctx.Message.MessageId);
        return _flows[game.Kind].Play(view, game, ctx.From, verb, text, reply);
    }

    /// <summary>More than one game a bare /join (/grab, /leave) could mean: each with its id and a button for it.</summary>
    private IReadOnlyList<ChatAction> Which(CommandContext ctx, GameView view, string verb, List<Game> games)
    {
        var text = view.Render("games_which", new { Verb = verb, Games = games.Select(g => _flows[g.Kind].Summary(view, g)).ToList() });
        var code = verb switch { "grab" => "button_grab", "leave" => "button_leave", _ => "button_join" };
        var buttons = games.Select(g => (IReadOnlyList<Button>)[new Button($"#{g.Id} {view.Notice(code)}", GameView.ButtonData(g, verb))]).ToList();
        return [new SendText(ctx.ChatId, text, buttons, ReplyTo: ctx.Message.MessageId)];
    }

    /// <summary>
    /// /verify &lt;id&gt;: a member checks a lottery in the chat — the hash posted at opening, the seed revealed at settlement,
    /// SHA-256 of that seed, and the shares re-derived from it beside the shares each grabber got.
    /// </summary>
    private IReadOnlyList<ChatAction> Verify(CommandContext ctx)
    {
        var view = GameView.Of(ctx);
        if (ctx.Args.Count == 0) return ctx.Usage("missing_game_id");
        if (!int.TryParse(TextWidth.Fold(ctx.Args[0].TrimStart('#')), out var id)) return ctx.Usage("game_id", ctx.Args[0]);
        if (store.Find(ctx.ChatId, id) is not { Kind: "lottery" } game)
            return [new SendText(ctx.ChatId, view.Notice("no_such_lottery", id), ReplyTo: ctx.Message.MessageId)];
        var part = game.Lottery!;
        var settled = game.State == GameState.Settled;
        var hashOk = settled && Lottery.LotterySplit.Hash(Convert.FromHexString(part.SeedHex)) == part.SeedHash;
        var derived = settled ? Lottery.LotteryRules.Shares(game) : [];
        var shares = !settled ? [] : derived.Select((fen, k) =>
        {
            var grabber = game.Players.FirstOrDefault(p => p.GrabOrder == k + 1);
            return new
            {
                Order = k + 1, Amount = Money.Format(fen), Name = grabber?.Name ?? "", Got = grabber?.ShareFen is { } got ? Money.Format(got) : "",
                Ok = grabber?.ShareFen == fen,
            };
        }).ToList();
        return ctx.Reply("lottery_verify", new
        {
            game.Id, State = game.State.ToString().ToLowerInvariant(), part.SeedHash, Seed = settled ? part.SeedHex : "",
            Pot = Money.Format(part.PotFen), Sum = Money.Format(derived.Sum()), part.Slots, HashOk = hashOk, Shares = shares,
            AllOk = hashOk && shares.All(s => s.Ok) && derived.Sum() == part.PotFen,
        });
    }

    private IReadOnlyList<ChatAction> List(CommandContext ctx)
    {
        var view = GameView.Of(ctx);
        var games = store.Live(ctx.ChatId).Select(g => _flows[g.Kind].Summary(view, g)).ToList();
        return ctx.Reply("games_list", new { Games = games });
    }

    private IReadOnlyList<ChatAction> Admin(CommandContext ctx, string verb)
    {
        var view = GameView.Of(ctx);
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
        var flow = _flows[game.Kind];
        return verb == "end" ? flow.End(view, game, reply) : flow.Cancel(view, game);
    }

    private GameView View(ChatInfo chat)
    {
        var group = groups.Ensure(chat);
        return new GameView(chat.Id, groups.LanguageOf(group), groups.TimeZoneOf(group), templates);
    }

    private static Task<IReadOnlyList<ChatAction>> Done(IReadOnlyList<ChatAction> actions) => Task.FromResult(actions);
}
