using GroupBot.Chat;

namespace GroupBot.Games;

/// <summary>How a game answers its player: a toast for a button press, a reply for a command.</summary>
public delegate IReadOnlyList<ChatAction> Reply(string text);

/// <summary>What every kind of game does in chat; GameCommands dispatches to the game's kind.</summary>
public interface IGameFlow
{
    string Kind { get; }

    /// <summary>The game's own message: text and buttons for its current state.</summary>
    string Message(GameView view, Game game);

    IReadOnlyList<IReadOnlyList<Button>> Buttons(GameView view, Game game);

    /// <summary>What /games shows of it.</summary>
    object Summary(GameView view, Game game);

    /// <summary>A player's move: join, leave, grab, guess (with its text), from a button or a command.</summary>
    IReadOnlyList<ChatAction> Play(GameView view, Game game, ChatUser user, string verb, string text, Reply reply);

    IReadOnlyList<ChatAction> DeadlineReached(GameView view, Game game, bool late);

    IReadOnlyList<ChatAction> End(GameView view, Game game, Reply reply);

    IReadOnlyList<ChatAction> Cancel(GameView view, Game game);
}
