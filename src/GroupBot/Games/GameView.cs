using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Templates;

namespace GroupBot.Games;

/// <summary>How game texts are made for one chat: its language and time zone, and the templates.</summary>
public sealed record GameView(long ChatId, string Language, TimeZoneInfo Zone, TemplateStore Templates)
{
    public string Render(string template, object? model = null) => Templates.Render(template, Language, model);

    /// <summary>A short notice (game_notice template) for a code such as "already_joined".</summary>
    public string Notice(string code, object? value = null) => Render("game_notice", new { Code = code, Value = TelegramText.Quote(value?.ToString()) });

    public string LocalTime(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone).ToString("MM-dd HH:mm");

    /// <summary>Tags the message that announces how a game ended: once it is queued or sent, the ending is told.</summary>

    public static GameView Of(CommandContext ctx) => new(ctx.ChatId, ctx.Language, ctx.TimeZone, ctx.Templates);

    /// <summary>The deadline= option (or now + the default); null when the option is there but unreadable.</summary>
    public static DateTimeOffset? Deadline(CommandContext ctx, DateTimeOffset now, TimeSpan byDefault) =>
        ctx.Args.Options.TryGetValue("deadline", out var text) ? Duration.ParseDeadline(text, now, ctx.TimeZone) : now + byDefault;

    public static string Tag(Game game) => $"game:{game.Id}";

    public static string ButtonData(Game game, string verb) => $"g:{game.Id}:{verb}";

    public IReadOnlyList<IReadOnlyList<Button>> Buttons(params (string Code, string Data)[] buttons) =>
        buttons.Length == 0 ? [] : [buttons.Select(b => new Button(Notice(b.Code), b.Data)).ToList()];
}
