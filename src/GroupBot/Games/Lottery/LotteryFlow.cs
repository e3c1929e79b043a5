using GroupBot.Chat;
using GroupBot.Commands;
using Microsoft.Extensions.Options;

namespace GroupBot.Games.Lottery;

/// <summary>Drives a red-packet lottery through chat: opening, joins, grabs, deadlines, results. Rules are in LotteryRules.</summary>
public sealed class LotteryFlow(GameStore store, Deadlines deadlines, GameMessages messages, Entropy entropy, TimeProvider time, Community.Points points,
    IOptionsMonitor<Community.CommunityOptions> community) : IGameFlow
{
    public string Kind => "lottery";

    public CommandSpec Spec => new("lottery", Role.Admin, (ctx, _) => Task.FromResult(Open(ctx)), ["stake", "mode", "deadline"]);

    private IReadOnlyList<ChatAction> Open(CommandContext ctx)
    {
        var args = ctx.Args;
        if (args.Count < 3) return ctx.Usage(args.Count switch { 0 => "missing_slots", 1 => "missing_pot", _ => "missing_prize" });
        if (!int.TryParse(TextWidth.Fold(args[0]), out var slots)) return ctx.Usage("slots_not_number", args[0]);
        if (!Money.TryParse(args[1], out var pot)) return ctx.Usage("not_amount", args[1]);
        var stake = 100L;
        if (args.Options.TryGetValue("stake", out var stakeText) && !Money.TryParse(stakeText, out stake)) return ctx.Usage("not_amount", stakeText);
        var mode = LotteryMode.Worst;
        if (args.Options.TryGetValue("mode", out var modeText))
        {
            LotteryMode? parsed = Words.Mode(modeText) switch { "worst" => LotteryMode.Worst, "best" => LotteryMode.Best, _ => null };
            if (parsed is null) return ctx.Usage("bad_mode", modeText);
            mode = parsed.Value;
        }
        var now = time.GetUtcNow();
        if (GameView.Deadline(ctx, now, LotteryRules.DefaultFill) is not { } deadline) return ctx.Usage("bad_deadline", args.Options["deadline"]);
        var prize = args.Rest(2);
        if (prize.Length > 100) return ctx.Usage("prize_too_long");
        if (LotteryRules.Check(slots, pot, stake) is { } reason) return ctx.Usage(reason, reason == "pot_too_small" ? Money.Format(slots) : args[0]);

        var view = GameView.Of(ctx);
        if (store.Live(ctx.ChatId).FirstOrDefault(g => g.Kind == Kind) is { } open)
            return [new SendText(ctx.ChatId, view.Notice("lottery_already_open", open.Id), ReplyTo: ctx.Message.MessageId)];

        var game = store.Insert(LotteryRules.Open(ctx.ChatId, ctx.From.Id, slots, pot, stake, prize, mode,
            now.UtcDateTime, deadline.UtcDateTime, LotteryRules.DefaultGrabWindow, entropy.NewSeed()));
        deadlines.Set(game);
        return [messages.Post(view, game, this)];
    }

    public IReadOnlyList<ChatAction> Play(GameView view, Game game, ChatUser user, string verb, string text, Reply reply) => verb switch
    {
        "join" => Join(view, game, user, reply),
        "grab" => Grab(view, game, user, reply),
        _ => reply(view.Notice("not_this_game")),
    };

    private IReadOnlyList<ChatAction> Join(GameView view, Game game, ChatUser user, Reply reply)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var (result, ledger) = LotteryRules.Join(game, user.Id, user.DisplayName, now);
        if (result is not (JoinResult.Joined or JoinResult.JoinedAndFull))
            return reply(view.Notice(result switch { JoinResult.AlreadyJoined => "already_joined", JoinResult.Full => "full", _ => "game_ended" }));
        store.Save(game, ledger);
        var full = result == JoinResult.JoinedAndFull;
        var actions = new List<ChatAction>(reply(view.Notice("joined", Money.Format(game.Lottery!.StakeFen))));
        actions.AddRange(messages.Edit(view, game, this, force: full));
        if (full)
        {
            deadlines.Set(game);
            actions.Add(new SendText(view.ChatId, view.Render("lottery_full", Model(view, game)), Buttons(view, game)));
        }
        return actions;
    }

    private IReadOnlyList<ChatAction> Grab(GameView view, Game game, ChatUser user, Reply reply)
    {
        var (result, share, ledger) = LotteryRules.Grab(game, user.Id, time.GetUtcNow().UtcDateTime);
        switch (result)
        {
            case GrabResult.NotFullYet: return reply(view.Notice("not_full_yet"));
            case GrabResult.NotPlayer: return reply(view.Notice("not_player"));
            case GrabResult.AlreadyGrabbed: return reply(view.Notice("already_grabbed", Money.Format(share)));
            case GrabResult.Ended: return reply(view.Notice("game_ended"));
        }
        store.Save(game, ledger);
        var actions = new List<ChatAction>(reply(view.Notice("grabbed", Money.Format(share))));
        if (result == GrabResult.GrabbedLast)
        {
            deadlines.Clear(game.Id);
            actions.AddRange(Announce(view, game));
        }
        else actions.AddRange(messages.Edit(view, game, this));
        return actions;
    }

    /// <summary>The deadline of the current phase: not full → cancelled with refunds; grabbing → stragglers, then settled.</summary>
    public IReadOnlyList<ChatAction> DeadlineReached(GameView view, Game game, bool late)
    {
        var now = time.GetUtcNow().UtcDateTime;
        game.EndedLate = late;
        if (game.State == GameState.Open) return Cancelled(view, game, LotteryRules.Cancel(game, now), "not_full");
        store.Save(game, LotteryRules.CloseGrabbing(game, now));
        deadlines.Clear(game.Id);
        return Announce(view, game);
    }

    /// <summary>/end: settle now. Only a full lottery can be settled; one still filling must be cancelled.</summary>
    public IReadOnlyList<ChatAction> End(GameView view, Game game, Reply reply)
    {
        if (game.State == GameState.Open) return reply(view.Notice("lottery_not_full", game.Id));
        store.Save(game, LotteryRules.CloseGrabbing(game, time.GetUtcNow().UtcDateTime));
        deadlines.Clear(game.Id);
        return Announce(view, game);
    }

    public IReadOnlyList<ChatAction> Cancel(GameView view, Game game) =>
        Cancelled(view, game, LotteryRules.Cancel(game, time.GetUtcNow().UtcDateTime), "by_admin");

    private IReadOnlyList<ChatAction> Cancelled(GameView view, Game game, List<LedgerEntry> refunds, string reason)
    {
        game.EndReason = reason;
        store.Save(game, refunds);
        deadlines.Clear(game.Id);
        return Announce(view, game);
    }

    /// <summary>The messages that tell the chat how the game ended: its message edited, the result posted.</summary>
    private IReadOnlyList<ChatAction> Announce(GameView view, Game game)
    {
        if (game.State == GameState.Cancelled)
        {
            var refunds = store.LedgerOf(game.Id).Where(l => l.Kind == LedgerKind.Refund);
            return [.. messages.Edit(view, game, this, force: true), new SendText(view.ChatId, view.Render("lottery_cancelled", new
            {
                game.Id, Reason = game.EndReason ?? "not_full", Late = game.EndedLate, Prize = game.Lottery!.Prize,
                Refunds = refunds.Select(r => new { r.Name, Amount = Money.Format(r.AmountFen) }).ToList(),
            }))];
        }
        if (game.Lottery!.WinnerUserId is { } winner)
            points.Add(game.ChatId, winner, Community.PointKind.Game, community.CurrentValue.GameWinPoints, $"lottery #{game.Id}", 0, key: $"game:{game.Id}:{winner}");
        var model = Model(view, game);
        var actions = new List<ChatAction>(messages.Edit(view, game, this, force: true)) { new SendText(view.ChatId, view.Render("lottery_result", model)) };
        if (game.Players.Count > 1) actions.Add(new SendText(view.ChatId, view.Render("lottery_consolation", model)));
        return actions;
    }

    public string Message(GameView view, Game game) => view.Render("lottery_message", Model(view, game));

    public IReadOnlyList<IReadOnlyList<Button>> Buttons(GameView view, Game game) => game.State switch
    {
        GameState.Open => view.Buttons(("button_join", GameView.ButtonData(game, "join"))),
        GameState.Full => view.Buttons(("button_grab", GameView.ButtonData(game, "grab"))),
        _ => [],
    };

    public object Summary(GameView view, Game game) => Model(view, game);

    private static object Model(GameView view, Game game)
    {
        var part = game.Lottery!;
        var winner = part.WinnerUserId;
        return new
        {
            game.Id,
            game.Kind,
            State = game.State.ToString().ToLowerInvariant(),
            part.Slots,
            Joined = game.Players.Count,
            Left = part.Slots - game.Players.Count,
            Pot = Money.Format(part.PotFen),
            Stake = Money.Format(part.StakeFen),
            part.Prize,
            Mode = part.Mode.ToString().ToLowerInvariant(),
            Deadline = view.LocalTime(game.DeadlineUtc),
            SeedHash = part.SeedHash,
            // The seed is secret until the shares are all out.
            Seed = game.State == GameState.Settled ? part.SeedHex : "",
            Grabbed = game.Players.Count(p => p.ShareFen is not null),
            Late = game.EndedLate,
            Players = game.Players.Select(p => new { p.Name }).ToList(),
            Winner = game.Players.FirstOrDefault(p => p.UserId == winner)?.Name ?? "",
            Shares = game.Players.Where(p => p.ShareFen is not null).OrderBy(p => p.GrabOrder)
                .Select(p => new { p.Name, Amount = Money.Format(p.ShareFen!.Value), Order = p.GrabOrder, Won = p.UserId == winner })
                .ToList(),
            Others = game.Players.Where(p => p.UserId != winner).Select(p => p.Name).ToList(),
        };
    }
}
