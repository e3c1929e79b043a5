using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Posting;
using Microsoft.Extensions.Options;

namespace GroupBot.Games.Bargain;

/// <summary>"Bargain" section: how many friends' cuts reach the floor, how long a bargain runs, the default floor.</summary>
public sealed class BargainOptions
{
    public const string Section = "Bargain";
    /// <summary>Cuts (one a helper) from the starting price down to the floor.</summary>
    public int Helpers { get; set; } = 5;
    public int Hours { get; set; } = 24;
    /// <summary>For a product without bargainFloor in products.json: the floor as a percent of its price.</summary>
    public int FloorPercent { get; set; } = 80;
    /// <summary>Live bargains one member may have in a group at once.</summary>
    public int PerMember { get; set; } = 1;
}

/// <summary>Drives a 砍价 through chat: /bargain opens it, "帮砍" presses cut, the floor or the deadline settles it.</summary>
public sealed class BargainFlow(GameStore store, Deadlines deadlines, GameMessages messages, Entropy entropy, TimeProvider time, Catalog catalog,
    IOptionsMonitor<BargainOptions> options) : IGameFlow
{
    public string Kind => "bargain";

    public CommandSpec Spec => new("bargain", Role.Member, (ctx, _) => Task.FromResult(Open(ctx)), Scope: CommandScope.Groups);

    private IReadOnlyList<ChatAction> Open(CommandContext ctx)
    {
        var view = GameView.Of(ctx);
        var products = catalog.Products.Select(p => p.Id).ToList();
        if (products.Count == 0) return Notice(ctx, view, "bargain_no_products");
        if (ctx.Args.Count == 0) return Notice(ctx, view, "bargain_missing_product", products[0], string.Join(" / ", products));
        if (ctx.From.IsBot) return [];
        var product = catalog.Find(TextWidth.Fold(ctx.Args[0]).Trim());
        if (product is null) return Notice(ctx, view, "bargain_unknown_product", ctx.Args[0], string.Join(" / ", products));
        var o = options.CurrentValue;
        var list = product.ListPriceFen ?? product.PriceFen;
        var floor = product.BargainFloorFen ?? (product.PriceFen * o.FloorPercent + 99) / 100;
        if (floor >= list) return Notice(ctx, view, "bargain_not_offered", product.Name);
        var mine = store.Live(ctx.ChatId).Where(g => g.Kind == Kind && g.CreatedBy == ctx.From.Id).ToList();
        if (mine.Count >= o.PerMember) return Notice(ctx, view, "bargain_already_open", "#" + mine[0].Id);
        var now = time.GetUtcNow().UtcDateTime;
        var game = store.Insert(BargainRules.Open(ctx.ChatId, new ChatStarter(ctx.From.Id, ctx.From.DisplayName), product.Id, product.Name, list, floor,
            o.Helpers, now, now.AddHours(o.Hours), entropy.NewSeed()));
        deadlines.Set(game);
        return [messages.Post(view, game, this)];
    }

    private static IReadOnlyList<ChatAction> Notice(CommandContext ctx, GameView view, string code, string? value = null, string? more = null) =>
        [new SendText(ctx.ChatId, Text(view, code, value, more), ReplyTo: ctx.Message.MessageId)];

    private static string Text(GameView view, string code, string? value = null, string? more = null) =>
        view.Render("bargain_notice", new { Code = code, Value = TelegramText.Quote(value), More = more ?? "" });

    public IReadOnlyList<ChatAction> Play(GameView view, Game game, ChatUser user, string verb, string text, Reply reply)
    {
        if (verb != "help") return reply(view.Notice("not_this_game"));
        if (user.IsBot) return reply(Text(view, "bargain_self"));
        var (result, cut, ledger) = BargainRules.Help(game, user.Id, user.DisplayName, time.GetUtcNow().UtcDateTime);
        switch (result)
        {
            case HelpResult.Self: return reply(Text(view, "bargain_self"));
            case HelpResult.AlreadyHelped: return reply(Text(view, "bargain_already_helped", Money.Format(cut)));
            case HelpResult.Ended: return reply(view.Notice("game_ended"));
        }
        var done = result == HelpResult.CutToFloor;
        store.Save(game, ledger);
        var actions = new List<ChatAction>(reply(Text(view, "bargain_cut", Money.Format(cut), Money.Format(BargainRules.PriceNow(game)))));
        if (done)
        {
            deadlines.Clear(game.Id);
            actions.AddRange(Announce(view, game));
        }
        else actions.AddRange(messages.Edit(view, game, this));
        return actions;
    }

    public IReadOnlyList<ChatAction> DeadlineReached(GameView view, Game game, bool late)
    {
        game.EndedLate = late;
        return Settle(view, game);
    }

    public IReadOnlyList<ChatAction> End(GameView view, Game game, Reply reply) => Settle(view, game);

    public IReadOnlyList<ChatAction> Cancel(GameView view, Game game)
    {
        BargainRules.Cancel(game, time.GetUtcNow().UtcDateTime);
        store.Save(game, []);
        deadlines.Clear(game.Id);
        return Announce(view, game);
    }

    private IReadOnlyList<ChatAction> Settle(GameView view, Game game)
    {
        store.Save(game, BargainRules.Settle(game, time.GetUtcNow().UtcDateTime));
        deadlines.Clear(game.Id);
        return Announce(view, game);
    }

    private IReadOnlyList<ChatAction> Announce(GameView view, Game game) =>
        [.. messages.Edit(view, game, this, force: true), new SendText(view.ChatId, view.Render("bargain_result", Model(view, game)))];

    public string Message(GameView view, Game game) => view.Render("bargain_message", Model(view, game));

    public IReadOnlyList<IReadOnlyList<Button>> Buttons(GameView view, Game game) => game.State == GameState.Open
        ? [[new Button(Text(view, "button_help"), GameView.ButtonData(game, "help"))]]
        : [];

    public object Summary(GameView view, Game game) => Model(view, game);

    private static object Model(GameView view, Game game)
    {
        var part = game.Bargain!;
        var settled = game.State == GameState.Settled;
        return new
        {
            game.Id,
            game.Kind,
            State = game.State.ToString().ToLowerInvariant(),
            Starter = part.StarterName,
            part.Product,
            List = Money.Format(part.ListFen),
            Floor = Money.Format(part.FloorFen),
            Price = Money.Format(BargainRules.PriceNow(game)),
            Cut = Money.Format(BargainRules.CutSoFar(game)),
            Count = game.Players.Count,
            part.Helpers,
            More = part.Helpers - game.Players.Count,
            Deadline = view.LocalTime(game.DeadlineUtc),
            Late = game.EndedLate,
            part.SeedHash,
            // The seed only once no cut is left to take.
            Seed = game.IsLive ? "" : part.SeedHex,
            Final = part.FinalFen is { } f ? Money.Format(f) : "",
            Coupon = settled ? part.Coupon ?? "" : "",
            Floored = settled && part.FinalFen == part.FloorFen,
            Cuts = game.Players.OrderBy(p => p.GrabOrder).Select(p => new { p.Name, Amount = Money.Format(p.ShareFen ?? 0), Order = p.GrabOrder ?? 0 }).ToList(),
        };
    }
}
