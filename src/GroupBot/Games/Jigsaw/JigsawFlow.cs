using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Community;
using GroupBot.Hosting;
using GroupBot.Pipeline;
using GroupBot.Private;
using GroupBot.Storage;
using GroupBot.Templates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Games.Jigsaw;

/// <summary>
/// The nine-tile QR jigsaw (seed 000 C): /jigsaw posts a QR code of a single-use claim link, cut into nine shuffled tiles;
/// whoever puts it together and scans it opens the bot with the link's payload. The claim is checked where it arrives (the
/// link, membership of the group with Telegram), then decided in the group's queue, first come first served.
/// </summary>
public sealed class JigsawFlow : IGameFlow, IHostedService
{
    public const string Prefix = "jg";
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromHours(1);

    private readonly GameStore _store;
    private readonly Deadlines _deadlines;
    private readonly GameMessages _messages;
    private readonly Entropy _entropy;
    private readonly TimeProvider _time;
    private readonly Points _points;
    private readonly IOptionsMonitor<CommunityOptions> _community;
    private readonly IOptionsMonitor<JigsawOptions> _options;
    private readonly IChatAdapter _adapter;
    private readonly EventSink _sink;
    private readonly Groups _groups;
    private readonly TemplateStore _templates;
    private readonly ILogger<JigsawFlow> _log;
    private readonly string _tilesRoot;
    private readonly string _configPath;
    private readonly Table<string, JigsawLink> _links;
    private readonly Table<string, JigsawClaim> _claims;
    private long _claimSeq;

    public JigsawFlow(GameStore store, Deadlines deadlines, GameMessages messages, Entropy entropy, TimeProvider time, Points points,
        IOptionsMonitor<CommunityOptions> community, IOptionsMonitor<JigsawOptions> options, IChatAdapter adapter, EventSink sink, Groups groups,
        TemplateStore templates, Database db, IOptions<StorageOptions> storage, IOptions<BotOptions> bot, ILogger<JigsawFlow> log)
    {
        (_store, _deadlines, _messages, _entropy, _time, _points, _community, _options, _adapter, _sink, _groups, _templates, _log) =
            (store, deadlines, messages, entropy, time, points, community, options, adapter, sink, groups, templates, log);
        _tilesRoot = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storage.Value.Path))!, "jigsaw");
        _configPath = bot.Value.ConfigPath;
        _links = db.Table<string, JigsawLink>("jigsaw_links", l => l.Hash, null);
        _claims = db.Table<string, JigsawClaim>("jigsaw_claims", c => c.Key, null).Index("GameId", c => c.GameId);
        _claimSeq = _claims.All().Select(c => c.Seq).DefaultIfEmpty(0).Max();
    }

    public string Kind => "jigsaw";

    public CommandSpec Spec => new("jigsaw", Role.Admin, (ctx, _) => Task.FromResult(Open(ctx)), ["deadline", "link"], Scope: CommandScope.Groups);

    /// <summary>Wrong code words a person may send per <see cref="CodeWindow"/>: a code is short enough to type, so it is not left to guessing.</summary>
    public const int MaxWrongCodes = 5;
    public static readonly TimeSpan CodeWindow = TimeSpan.FromHours(1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, (DateTimeOffset Since, int Wrong)> _wrongCodes = new();

    /// <summary>Where a game's tiles are written (under the data folder): the album is uploaded from there, the local chat prints the paths.</summary>
    public string TilesFolder(long chatId, int gameId) => Path.Combine(_tilesRoot, $"{chatId}_{gameId}");

    private IReadOnlyList<ChatAction> Open(CommandContext ctx)
    {
        var args = ctx.Args;
        if (args.Count == 0) return ctx.Usage("missing_prize");
        var prize = args.Rest(0);
        if (prize.Length > 100) return ctx.Usage("prize_too_long");
        var now = _time.GetUtcNow();
        if (GameView.Deadline(ctx, now, DefaultDeadline) is not { } deadline) return ctx.Usage("bad_deadline", args.Options["deadline"]);
        string? brandLink = null;
        if (args.Options.TryGetValue("link", out var linkText))
        {
            if (linkText.Length > 300 || !Uri.TryCreate(linkText, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                return ctx.Usage("bad_link", linkText);
            brandLink = uri.AbsoluteUri;
        }
        var view = GameView.Of(ctx);
        if (_store.Live(ctx.ChatId).FirstOrDefault(g => g.Kind == Kind) is { } open)
            return [new SendText(ctx.ChatId, view.Notice("jigsaw_already_open", open.Id), ReplyTo: ctx.Message.MessageId)];

        var seed = _entropy.NewSeed();
        var token = DeepLinks.NewToken();
        var code = brandLink is null ? null : CodeFont.NewCode();
        var game = _store.Insert(new Game
        {
            ChatId = ctx.ChatId, Kind = Kind, State = GameState.Open, CreatedBy = ctx.From.Id, CreatedUtc = now.UtcDateTime,
            DeadlineUtc = deadline.UtcDateTime,
            Jigsaw = new JigsawPart
            {
                Prize = prize, SeedHex = Convert.ToHexStringLower(seed), SeedHash = Lottery.LotterySplit.Hash(seed), Link = brandLink, Code = code,
            },
        });
        _links.Put(new JigsawLink { Hash = code is null ? DeepLinks.Hash(token) : CodeHash(code), ChatId = ctx.ChatId, GameId = game.Id });
        // The whole QR exists only in memory while it is cut; the tiles are written already shuffled.
        var link = brandLink ?? DeepLinks.Link(_adapter.BotUsername, DeepLinks.Payload(Prefix, token));
        var tiles = JigsawImage.Tiles(link, JigsawImage.Order(seed), Look(), code);
        var folder = TilesFolder(ctx.ChatId, game.Id);
        Directory.CreateDirectory(folder);
        var paths = tiles.Select((png, i) =>
        {
            var path = Path.Combine(folder, $"{i + 1}.png");
            File.WriteAllBytes(path, png);
            return path;
        }).ToList();
        _deadlines.Set(game);
        _log.LogInformation("Jigsaw #{GameId} opened in {ChatId}, tiles in {Folder}", game.Id, ctx.ChatId, folder);
        return [new SendAlbum(ctx.ChatId, paths, view.Render("jigsaw_album", new { game.Id })), _messages.Post(view, game, this)];
    }

    private JigsawLook Look()
    {
        var o = _options.CurrentValue;
        return new JigsawLook(JigsawOptions.Color(o.Foreground), JigsawOptions.Color(o.Background), JigsawOptions.Color(o.Frame),
            string.IsNullOrEmpty(o.Logo) ? null : Path.Combine(_configPath, o.Logo));
    }

    /// <summary>
    /// A claim link opened (deep link "jg_&lt;token&gt;", or /claim): checked here, in the claimer's chat — the link, the game,
    /// membership of its group (asked of Telegram) — then handed to the group's queue to be decided. Nothing is answered
    /// now for a claim that goes on: the answer comes with the decision.
    /// </summary>
    public Task<IReadOnlyList<ChatAction>> Claim(CommandContext ctx, string token, CancellationToken ct) => ClaimBy(ctx, DeepLinks.Hash(token), ct);

    private static string CodeHash(string code) => DeepLinks.Hash("code:" + code);

    /// <summary>
    /// A code word sent with /claim (the link= variant, whose QR points elsewhere): a person gets <see cref="MaxWrongCodes"/>
    /// wrong codes an hour, then is told to wait, so the ~40 bits of an 8-character code are not left to guessing.
    /// </summary>
    public async Task<IReadOnlyList<ChatAction>> ClaimCode(CommandContext ctx, string text, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var wrong = _wrongCodes.TryGetValue(ctx.From.Id, out var w) && now - w.Since < CodeWindow ? w : (now, 0);
        if (wrong.Item2 >= MaxWrongCodes) return ctx.Reply("jigsaw_claim", ClaimModel("too_many", null, null));
        var code = CodeFont.Normalize(text);
        if (code is null || _links.Get(CodeHash(code)) is null)
        {
            _wrongCodes[ctx.From.Id] = (wrong.Item1, wrong.Item2 + 1);
            if (_wrongCodes.Count > 100_000) _wrongCodes.Clear(); // only recent guessers matter
            _log.LogInformation("Jigsaw code refused for {UserId} ({Wrong} wrong this hour)", ctx.From.Id, wrong.Item2 + 1);
            return ctx.Reply("jigsaw_claim", ClaimModel("invalid", null, null));
        }
        return await ClaimBy(ctx, CodeHash(code), ct);
    }

    private async Task<IReadOnlyList<ChatAction>> ClaimBy(CommandContext ctx, string hash, CancellationToken ct)
    {
        var link = _links.Get(hash);
        var game = link is null ? null : _store.Find(link.ChatId, link.GameId);
        if (link is null || game?.Jigsaw is not { } part)
        {
            _log.LogInformation("Jigsaw claim by {UserId} refused: no such link", ctx.From.Id);
            return ctx.Reply("jigsaw_claim", ClaimModel("invalid", null, null));
        }
        var group = _groups.Find(link.ChatId);
        if (part.WinnerUserId == ctx.From.Id) return ctx.Reply("jigsaw_claim", ClaimModel("already_won", game, group));
        if (!game.IsLive) return ctx.Reply("jigsaw_claim", ClaimModel(part.WinnerUserId is null ? "ended" : "taken", game, group));
        bool member;
        try
        {
            member = await _adapter.IsMemberAsync(link.ChatId, ctx.From.Id, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogWarning("Could not check {UserId} in chat {ChatId} for jigsaw #{GameId}: {Error}", ctx.From.Id, link.ChatId, game.Id, ex.Message);
            return ctx.Reply("jigsaw_claim", ClaimModel("check_failed", game, group));
        }
        if (!member) return ctx.Reply("jigsaw_claim", ClaimModel("not_member", game, group));
        var key = $"{game.Id}:{ctx.From.Id}";
        if (_claims.Exists(key)) return [];
        _claims.Put(new JigsawClaim
        {
            Key = key, ChatId = link.ChatId, GameId = game.Id, UserId = ctx.From.Id, Name = ctx.From.DisplayName, ReplyChatId = ctx.ChatId,
            ReplyTo = ctx.Message.MessageId, Language = ctx.Language, Seq = Interlocked.Increment(ref _claimSeq), Utc = _time.GetUtcNow().UtcDateTime,
        });
        var (chatId, gameId) = (link.ChatId, game.Id);
        Unit.Current!.AfterCommit(() => _sink.Post(new JigsawClaimDue(_groups.InfoOf(chatId), gameId)));
        return [];
    }

    /// <summary>The group's queue decides the waiting claims in the order they arrived: the first wins, the rest are thanked.</summary>
    public IReadOnlyList<ChatAction> Decide(JigsawClaimDue due)
    {
        var pending = _claims.Where("GameId", due.GameId).Where(c => c.ChatId == due.ChatId).OrderBy(c => c.Seq).ToList();
        var game = _store.Find(due.ChatId, due.GameId);
        var actions = new List<ChatAction>();
        foreach (var claim in pending)
        {
            _claims.Delete(claim.Key);
            if (game?.Jigsaw is not { } part) continue;
            var group = _groups.Find(game.ChatId);
            var now = _time.GetUtcNow().UtcDateTime;
            if (game.PlayerOf(claim.UserId) is null) game.Players.Add(new Player { UserId = claim.UserId, Name = claim.Name, JoinedUtc = now });
            string code;
            if (game.IsLive && part.WinnerUserId is null)
            {
                part.WinnerUserId = claim.UserId;
                part.WonUtc = now;
                game.State = GameState.Settled;
                game.EndedUtc = now;
                _store.Save(game, [LedgerEntry.For(game, game.PlayerOf(claim.UserId)!, LedgerKind.Prize, 0, now, part.Prize)]);
                _deadlines.Clear(game.Id);
                _points.Add(game.ChatId, claim.UserId, PointKind.Game, _community.CurrentValue.GameWinPoints, $"jigsaw #{game.Id}", 0,
                    key: $"game:{game.Id}:{claim.UserId}");
                _log.LogInformation("Jigsaw #{GameId} in {ChatId} won by {UserId}", game.Id, game.ChatId, claim.UserId);
                actions.AddRange(Announce(View(game.ChatId), game));
                code = "won";
            }
            else
            {
                _store.Save(game, []);
                code = part.WinnerUserId == claim.UserId ? "already_won" : part.WinnerUserId is null ? "ended" : "taken";
            }
            var text = _templates.Render("jigsaw_claim", claim.Language, ClaimModel(code, game, group));
            actions.Add(new SendText(claim.ReplyChatId, text, ReplyTo: claim.ReplyTo));
        }
        return actions;
    }

    private object ClaimModel(string code, Game? game, Group? group)
    {
        var part = game?.Jigsaw;
        return new
        {
            Code = code,
            Id = game?.Id ?? 0,
            Group = TelegramText.Quote(group?.Title ?? "", 64),
            Prize = part?.Prize ?? "",
            Winner = game?.PlayerOf(part?.WinnerUserId ?? 0)?.Name ?? "",
            Points = _community.CurrentValue.GameWinPoints,
            Max = MaxWrongCodes,
        };
    }

    public IReadOnlyList<ChatAction> Play(GameView view, Game game, ChatUser user, string verb, string text, Reply reply) =>
        reply(view.Notice("not_this_game"));

    /// <summary>Nobody scanned it in time: the game ends without a winner and the link is dead.</summary>
    public IReadOnlyList<ChatAction> DeadlineReached(GameView view, Game game, bool late)
    {
        game.EndedLate = late;
        return Close(view, game, GameState.Settled, "no_winner");
    }

    /// <summary>/end: stop now; without a claim there is no winner.</summary>
    public IReadOnlyList<ChatAction> End(GameView view, Game game, Reply reply) => Close(view, game, GameState.Settled, "no_winner");

    public IReadOnlyList<ChatAction> Cancel(GameView view, Game game) => Close(view, game, GameState.Cancelled, "by_admin");

    private IReadOnlyList<ChatAction> Close(GameView view, Game game, GameState state, string reason)
    {
        game.State = state;
        game.EndReason = reason;
        game.EndedUtc = _time.GetUtcNow().UtcDateTime;
        _store.Save(game, []);
        _deadlines.Clear(game.Id);
        return Announce(view, game);
    }

    /// <summary>The game's message edited to its end (seed and order revealed), and one announcement in the group.</summary>
    private IReadOnlyList<ChatAction> Announce(GameView view, Game game) =>
        [.. _messages.Edit(view, game, this, force: true), new SendText(view.ChatId, view.Render("jigsaw_result", Model(view, game)))];

    public string Message(GameView view, Game game) => view.Render("jigsaw_message", Model(view, game));

    public IReadOnlyList<IReadOnlyList<Button>> Buttons(GameView view, Game game) => [];

    public object Summary(GameView view, Game game) => Model(view, game);

    private static object Model(GameView view, Game game)
    {
        var part = game.Jigsaw!;
        var ended = !game.IsLive;
        return new
        {
            game.Id,
            game.Kind,
            State = game.State.ToString().ToLowerInvariant(),
            part.Prize,
            Deadline = view.LocalTime(game.DeadlineUtc),
            part.SeedHash,
            // The seed (and so the order) is secret while the game runs: it would give the picture away.
            Seed = ended ? part.SeedHex : "",
            Order = ended ? JigsawImage.Order(Convert.FromHexString(part.SeedHex)).Select(p => p + 1).ToList() : [],
            Winner = game.PlayerOf(part.WinnerUserId ?? 0)?.Name ?? "",
            ByCode = part.Code is not null,
            Code = ended && part.Code is not null ? CodeFont.Printed(part.Code) : "",
            Claims = game.Players.Count,
            Reason = game.EndReason ?? "",
            Late = game.EndedLate,
        };
    }

    private GameView View(long chatId)
    {
        var group = _groups.Ensure(_groups.InfoOf(chatId));
        return new GameView(chatId, _groups.LanguageOf(group), _groups.TimeZoneOf(group), _templates);
    }

    /// <summary>Claims checked before a stop or crash and not yet decided are handed in again.</summary>
    public Task StartAsync(CancellationToken ct)
    {
        foreach (var (chatId, gameId) in _claims.All().Select(c => (c.ChatId, c.GameId)).Distinct())
            _sink.Post(new JigsawClaimDue(_groups.InfoOf(chatId), gameId));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
