using GroupBot.Chat;
using GroupBot.Storage;

namespace GroupBot.Games;

/// <summary>Posts a game's message (tagged, so its id is kept) and edits it in place, coalescing bursts.</summary>
public sealed class GameMessages(SentMessages sent, MessageRefresh refresh)
{
    public SendText Post(GameView view, Game game, IGameFlow flow) =>
        new(view.ChatId, flow.Message(view, game), flow.Buttons(view, game), Tag: GameView.Tag(game));

    /// <summary>An edit of the game's message, now or (unless forced) coalesced into a later one.</summary>
    public IReadOnlyList<ChatAction> Edit(GameView view, Game game, IGameFlow flow, bool force = false)
    {
        if (sent.Find(GameView.Tag(game), game.ChatId) is not { } id) return [];
        return refresh.TryEditNow(game, force) ? [new EditText(view.ChatId, id, flow.Message(view, game), flow.Buttons(view, game))] : [];
    }

    /// <summary>The coalesced edit, when its time has come (nothing while the message itself still waits to be sent).</summary>
    public IReadOnlyList<ChatAction> Refresh(GameView view, Game game, IGameFlow flow)
    {
        refresh.Edited(game.Id);
        return sent.Find(GameView.Tag(game), game.ChatId) is { } id
            ? [new EditText(view.ChatId, id, flow.Message(view, game), flow.Buttons(view, game))]
            : [];
    }
}
