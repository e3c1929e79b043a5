using GroupBot.Chat;
using GroupBot.Storage;

namespace GroupBot.Games;

/// <summary>Posts a game's message (tagged, so its id is kept) and edits it in place, coalescing bursts.</summary>
public sealed class GameMessages(SentMessages sent, MessageRefresh refresh, Outbox.OutboxQueue outbox)
{
    public SendText Post(GameView view, Game game, IGameFlow flow) =>
        new(view.ChatId, flow.Message(view, game), flow.Buttons(view, game), Tag: GameView.Tag(game));

    /// <summary>An edit of the game's message, now or (unless forced) coalesced into a later one.</summary>
    public IReadOnlyList<ChatAction> Edit(GameView view, Game game, IGameFlow flow, bool force = false)
    {
        if (sent.Find(GameView.Tag(game), game.ChatId) is not { } id) return [];
        return refresh.TryEditNow(game, force) ? [new EditText(view.ChatId, id, flow.Message(view, game), flow.Buttons(view, game))] : [];
    }

    /// <summary>The coalesced edit, when its time has come; at start, also the message of a game opened just before a crash.</summary>
    public IReadOnlyList<ChatAction> Refresh(GameView view, Game game, IGameFlow flow)
    {
        refresh.Edited(game.Id);
        var tag = GameView.Tag(game);
        if (sent.Find(tag, game.ChatId) is { } id) return [new EditText(view.ChatId, id, flow.Message(view, game), flow.Buttons(view, game))];
        // Neither sent nor queued: the bot died between opening the game and queueing its message. Post it now.
        return outbox.HasTag(tag) ? [] : [Post(view, game, flow)];
    }

    /// <summary>Whether the message with this tag was sent or is queued to be (a crash may have lost it in between).</summary>
    public bool SentOrQueued(string tag, long chatId) => sent.Find(tag, chatId) is not null || outbox.HasTag(tag);
}
