using GroupBot.Chat;
using GroupBot.Commands;
using Microsoft.Extensions.Options;

namespace GroupBot.Games.PriceGuess;

/// <summary>
/// Drives a price guess through chat. The secret (price or name) is in no bot message, log line or button before
/// settlement; the admin's opening command and every exact guess are deleted from the chat so they do not give it away.
/// </summary>
public sealed class GuessFlow(GameStore store, Deadlines deadlines, GameMessages messages, TimeProvider time, Community.Points points,
    IOptionsMonitor<Community.CommunityOptions> community) : IGameFlow
{
    public string Kind => "guess";

    // The opening command holds the secret: the router deletes it from the chat whatever the outcome.
    public CommandSpec Spec => new("guess", Role.Admin, (ctx, _) => Task.FromResult(Open(ctx)),
        ["gift", "discount", "deadline", "tries", "aliases"], Secret: true);

    public CommandSpec HintSpec => new("hint", Role.Admin, (ctx, _) => Task.FromResult(Hint(ctx)));

    private IReadOnlyList<ChatAction> Open(CommandContext ctx)
    {
        var args = ctx.Args;
        var byName = args.Count > 0 && args[0].Equals("name", StringComparison.OrdinalIgnoreCase);
        var first = byName ? 1 : 0;
        if (args.Count < first + 2) return ctx.Usage(byName ? "missing_answer_teaser" : args.Count == 0 ? "missing_price" : "missing_product");
        // A name that normalises to nothing (only symbols or spaces) could never be guessed.
        if (byName && Faq.FaqMatcher.Normalize(args[1]).Length == 0) return ctx.Usage("answer_empty");
        long price = 0;
        if (!byName && !Money.TryParse(args[0], out price)) return ctx.Usage("price_not_amount");
        if (!byName && price == 0) return ctx.Usage("price_zero");
        var product = args.Rest(first + 1);
        if (product.Length > 100) return ctx.Usage(byName ? "teaser_too_long" : "product_too_long");
        // No gift= : the product itself. A name guess's product is the secret answer (the teaser is no prize), so its
        // gift stays "" and reads "the product" until settlement reveals the name (GiftText).
        var gift = args.Options.GetValueOrDefault("gift") is { Length: > 0 } g ? g : byName ? "" : product;
        if (gift.Length > 100) return ctx.Usage("gift_too_long");
        var discount = GuessRules.DefaultDiscountPercent;
        if (args.Options.TryGetValue("discount", out var discountText) && GuessRules.ParseDiscount(discountText) is not { } d)
            return ctx.Usage("bad_discount", discountText);
        else if (discountText is not null) discount = GuessRules.ParseDiscount(discountText)!.Value;
        var tries = GuessRules.DefaultTries;
        if (args.Options.TryGetValue("tries", out var triesText) &&
            (!int.TryParse(TextWidth.Fold(triesText).TrimEnd('次'), out tries) || tries < 1 || tries > GuessRules.MaxTries))
            return ctx.Usage("bad_tries", triesText);
        var now = time.GetUtcNow();
        if (GameView.Deadline(ctx, now, GuessRules.DefaultDuration) is not { } deadline) return ctx.Usage("bad_deadline", args.Options["deadline"]);

        var view = GameView.Of(ctx);
        if (store.Live(ctx.ChatId).FirstOrDefault(x => x.Kind == Kind) is { } open)
            return [new SendText(ctx.ChatId, view.Notice("guess_already_open", open.Id))];
        var aliases = args.Options.GetValueOrDefault("aliases")?.Split(['|', ',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var game = byName
            ? GuessRules.OpenName(ctx.ChatId, ctx.From.Id, args[1], aliases, product, gift, discount, tries, now.UtcDateTime, deadline.UtcDateTime)
            : GuessRules.OpenPrice(ctx.ChatId, ctx.From.Id, price, product, gift, discount, tries, now.UtcDateTime, deadline.UtcDateTime);
        store.Insert(game);
        deadlines.Set(game);
        return [messages.Post(view, game, this)];
    }

    private IReadOnlyList<ChatAction> Hint(CommandContext ctx)
    {
        var view = GameView.Of(ctx);
        if (ctx.Args.Count == 0) return ctx.Usage("missing_hint");
        var hint = ctx.Args.Rest(0);
        if (hint.Length > 500) return ctx.Usage("hint_too_long");
        if (store.Live(ctx.ChatId).LastOrDefault(x => x.Kind == Kind) is not { } game)
            return [new SendText(ctx.ChatId, view.Notice("no_guess_game"), ReplyTo: ctx.Message.MessageId)];
        // The bot would post the answer itself; the admin's command is deleted as any message with the answer is.
        if (GuessRules.Reveals(game, hint)) return ctx.Usage("hint_reveals");
        game.Guess!.Hints.Add(hint);
        store.Save(game, []);
        return [new SendText(ctx.ChatId, view.Render("guess_hint", new { game.Id, Hint = hint, Number = game.Guess.Hints.Count })),
            .. messages.Edit(view, game, this)];
    }

    public IReadOnlyList<ChatAction> Play(GameView view, Game game, ChatUser user, string verb, string text, Reply reply) =>
        verb == "guess" ? Guess(view, game, user, text, reply, messageId: null) : reply(view.Notice("not_this_game"));

    /// <summary>A guess by /g or by a reply to the game message (then <paramref name="messageId"/> is the reply, deleted if exact).</summary>
    public IReadOnlyList<ChatAction> Guess(GameView view, Game game, ChatUser user, string text, Reply reply, int? messageId)
    {
        var part = game.Guess!;
        var (result, ledger) = GuessRules.Guess(game, user.Id, user.DisplayName, text, time.GetUtcNow().UtcDateTime);
        var left = part.Tries - GuessRules.TriesUsed(game, user.Id);
        switch (result)
        {
            case GuessResult.NotAGuess: return reply(view.Notice(part.ByName ? "guess_form_name" : "guess_form_price"));
            case GuessResult.NoTriesLeft: return reply(view.Notice("no_tries_left", part.Tries));
            // A winner's repeat may well be the answer again: removed whatever it says, so its removal tells nothing.
            case GuessResult.AlreadyRight:
                return [.. reply(view.Notice("already_right")), .. messageId is { } again ? [new DeleteMessage(view.ChatId, again)] : Array.Empty<ChatAction>()];
            case GuessResult.Ended: return reply(view.Notice("guess_closed"));
            case GuessResult.Wrong:
                store.Save(game, []);
                return [.. reply(view.Notice(left > 0 ? "guess_wrong" : "guess_wrong_last", left)), .. messages.Edit(view, game, this)];
        }
        store.Save(game, ledger);
        var actions = new List<ChatAction>();
        if (messageId is { } id) actions.Add(new DeleteMessage(view.ChatId, id));
        actions.Add(new SendText(view.ChatId, view.Render("guess_right", new
        {
            game.Id, Name = user.DisplayName, First = result == GuessResult.ExactFirst, Gift = GiftText(view, game), Discount = part.DiscountPercent,
            Zhe = GuessRules.Zhe(part.DiscountPercent),
        })));
        actions.AddRange(messages.Edit(view, game, this));
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
        GuessRules.Cancel(game, time.GetUtcNow().UtcDateTime);
        store.Save(game, []);
        deadlines.Clear(game.Id);
        return Announce(view, game);
    }

    private IReadOnlyList<ChatAction> Settle(GameView view, Game game)
    {
        store.Save(game, GuessRules.Settle(game, time.GetUtcNow().UtcDateTime));
        deadlines.Clear(game.Id);
        return Announce(view, game);
    }

    /// <summary>The messages that tell the chat how the game ended: its message edited, the result posted.</summary>
    private IReadOnlyList<ChatAction> Announce(GameView view, Game game)
    {
        if (game.State == GameState.Cancelled)
            return [.. messages.Edit(view, game, this, force: true), new SendText(view.ChatId, view.Notice("guess_cancelled", game.Id))];
        if (game.Guess!.GiftWinner is { } winner)
            points.Add(game.ChatId, winner, Community.PointKind.Game, community.CurrentValue.GameWinPoints, $"guess #{game.Id}", 0, key: $"game:{game.Id}:{winner}");
        return [.. messages.Edit(view, game, this, force: true), new SendText(view.ChatId, view.Render("guess_result", Model(view, game)))];
    }

    public string Message(GameView view, Game game) => view.Render("guess_message", Model(view, game));

    public IReadOnlyList<IReadOnlyList<Button>> Buttons(GameView view, Game game) => [];

    public object Summary(GameView view, Game game) => Model(view, game);

    /// <summary>The gift as players see it: gift=, or for a name guess without one "the mystery product", named once it is over.</summary>
    private static string GiftText(GameView view, Game game) => game.Guess!.Gift is { Length: > 0 } gift ? gift
        : game.State == GameState.Settled ? game.Guess.Answer : view.Notice("mystery_gift");

    private static object Model(GameView view, Game game)
    {
        var part = game.Guess!;
        var settled = game.State == GameState.Settled;
        string NameOf(long? id) => part.Guesses.FirstOrDefault(g => g.UserId == id)?.Name ?? "";
        return new
        {
            game.Id,
            game.Kind,
            State = game.State.ToString().ToLowerInvariant(),
            part.ByName,
            part.Product,
            Gift = GiftText(view, game),
            Discount = part.DiscountPercent,
            Zhe = GuessRules.Zhe(part.DiscountPercent),
            part.Tries,
            Deadline = view.LocalTime(game.DeadlineUtc),
            part.Hints,
            GuessCount = part.Guesses.Count,
            Guessers = part.Guesses.Select(g => g.UserId).Distinct().Count(),
            Late = game.EndedLate,
            // The answer only once it is over.
            Answer = !settled ? "" : part.ByName ? part.Answer : Money.Format(part.PriceFen),
            Winner = settled || part.GiftWinner is not null ? NameOf(part.GiftWinner) : "",
            ByClosest = part.WonByClosest,
            Closest = part.WonByClosest ? part.Guesses.Where(g => g.UserId == part.GiftWinner && g.ValueFen is not null)
                .OrderBy(g => Math.Abs(g.ValueFen!.Value - part.PriceFen)).Select(g => Money.Format(g.ValueFen!.Value)).FirstOrDefault() ?? "" : "",
            DiscountWinners = part.DiscountWinners.Select(id => NameOf(id)).ToList(),
        };
    }
}
