using GroupBot.Chat;
using GroupBot.Commands;

namespace GroupBot.Games.GroupBuy;

/// <summary>Drives a group buy through chat: the live message shows headcount, price reached and how many more for the next tier.</summary>
public sealed class GroupBuyFlow(GameStore store, Deadlines deadlines, GameMessages messages, TimeProvider time) : IGameFlow
{
    public string Kind => "groupbuy";

    public CommandSpec Spec => new("groupbuy", Role.Admin, (ctx, _) => Task.FromResult(Open(ctx)), ["deposit", "bonus", "deadline"]);

    private IReadOnlyList<ChatAction> Open(CommandContext ctx)
    {
        var args = ctx.Args;
        if (args.Count < 3) return ctx.Usage(args.Count switch { 0 => "missing_price", 1 => "missing_tiers", _ => "missing_product" });
        if (!Money.TryParse(args[0], out var price) || price == 0) return ctx.Usage("not_amount", args[0]);
        var (tiers, reason, part) = GroupBuyRules.ParseTiers(args[1], price);
        if (tiers is null) return ctx.Usage(reason!, part);
        var deposit = GroupBuyRules.DefaultDepositFen;
        if (args.Options.TryGetValue("deposit", out var depositText) && !Money.TryParse(depositText, out deposit)) return ctx.Usage("not_amount", depositText);
        var bonus = GroupBuyRules.DefaultBonusFen;
        if (args.Options.TryGetValue("bonus", out var bonusText) && !Money.TryParse(bonusText, out bonus)) return ctx.Usage("not_amount", bonusText);
        if (deposit > price) return ctx.Usage("deposit_too_big", Money.Format(price));
        var now = time.GetUtcNow();
        if (GameView.Deadline(ctx, now, GroupBuyRules.DefaultDuration) is not { } deadline) return ctx.Usage("bad_deadline", args.Options["deadline"]);
        var product = args.Rest(2);
        if (product.Length > 100) return ctx.Usage("product_too_long");

        var game = store.Insert(GroupBuyRules.Open(ctx.ChatId, ctx.From.Id, product, price, tiers, deposit, bonus, now.UtcDateTime, deadline.UtcDateTime));
        deadlines.Set(game);
        return [messages.Post(GameView.Of(ctx), game, this)];
    }

    public IReadOnlyList<ChatAction> Play(GameView view, Game game, ChatUser user, string verb, string text, Reply reply)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var deposit = Money.Format(game.GroupBuy!.DepositFen);
        switch (verb)
        {
            case "join":
                var (joined, pledge) = GroupBuyRules.Join(game, user.Id, user.DisplayName, now);
                if (joined != BuyJoinResult.Joined) return reply(view.Notice(joined == BuyJoinResult.AlreadyJoined ? "already_joined" : "game_ended"));
                store.Save(game, pledge);
                return [.. reply(view.Notice("joined_buy", deposit)), .. messages.Edit(view, game, this)];
            case "leave":
                var (left, release) = GroupBuyRules.Leave(game, user.Id, now);
                if (left != LeaveResult.Left) return reply(view.Notice(left == LeaveResult.NotPlayer ? "not_player" : "game_ended"));
                store.Save(game, release);
                return [.. reply(view.Notice("left", deposit)), .. messages.Edit(view, game, this)];
            default:
                return reply(view.Notice("not_this_game"));
        }
    }

    public IReadOnlyList<ChatAction> DeadlineReached(GameView view, Game game, bool late)
    {
        game.EndedLate = late;
        return Settle(view, game);
    }

    public IReadOnlyList<ChatAction> End(GameView view, Game game, Reply reply) => Settle(view, game);

    public IReadOnlyList<ChatAction> Cancel(GameView view, Game game)
    {
        var refunds = GroupBuyRules.Cancel(game, time.GetUtcNow().UtcDateTime);
        store.Save(game, refunds);
        deadlines.Clear(game.Id);
        return Announce(view, game);
    }

    private IReadOnlyList<ChatAction> Settle(GameView view, Game game)
    {
        store.Save(game, GroupBuyRules.Settle(game, time.GetUtcNow().UtcDateTime));
        deadlines.Clear(game.Id);
        return Announce(view, game);
    }

    /// <summary>The messages that tell the chat how the game ended: its message edited, the result posted.</summary>
    private IReadOnlyList<ChatAction> Announce(GameView view, Game game) =>
        [.. messages.Edit(view, game, this, force: true), new SendText(view.ChatId, view.Render("groupbuy_result", Model(view, game)))];

    public string Message(GameView view, Game game) => view.Render("groupbuy_message", Model(view, game));

    public IReadOnlyList<IReadOnlyList<Button>> Buttons(GameView view, Game game) => game.State == GameState.Open
        ? view.Buttons(("button_join_buy", GameView.ButtonData(game, "join")), ("button_leave", GameView.ButtonData(game, "leave")))
        : [];

    public object Summary(GameView view, Game game) => Model(view, game);

    private static object Model(GameView view, Game game)
    {
        var part = game.GroupBuy!;
        var count = game.Players.Count;
        var reached = GroupBuyRules.Reached(part, count);
        var next = GroupBuyRules.Next(part, count);
        var succeeded = part.FinalPriceFen is not null;
        return new
        {
            game.Id,
            game.Kind,
            State = game.State.ToString().ToLowerInvariant(),
            part.Product,
            Price = Money.Format(part.PriceFen),
            Tiers = part.Tiers.Select(t => new { t.Headcount, Price = Money.Format(t.PriceFen), Reached = t.Headcount <= count }).ToList(),
            Deposit = Money.Format(part.DepositFen),
            Bonus = Money.Format(part.BonusFen),
            Refund = Money.Format(part.DepositFen + part.BonusFen),
            Count = count,
            Reached = reached is null ? "" : Money.Format(reached.PriceFen),
            NextPrice = next is null ? "" : Money.Format(next.Value.Tier.PriceFen),
            More = next?.More ?? 0,
            Deadline = view.LocalTime(game.DeadlineUtc),
            Late = game.EndedLate,
            Succeeded = succeeded,
            Final = succeeded ? Money.Format(part.FinalPriceFen!.Value) : "",
            Players = game.Players.Select(p => new
            {
                p.Name,
                Amount = game.State == GameState.Settled && succeeded ? Money.Format(part.FinalPriceFen!.Value)
                    : game.State == GameState.Settled ? Money.Format(part.DepositFen + part.BonusFen)
                    : Money.Format(part.DepositFen),
            }).ToList(),
        };
    }
}
