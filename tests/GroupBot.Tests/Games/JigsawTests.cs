using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GroupBot.Chat;
using GroupBot.Community;
using GroupBot.Games;
using GroupBot.Games.Jigsaw;
using GroupBot.Private;
using GroupBot.Tests.Support;

namespace GroupBot.Tests.Games;

/// <summary>Issue 13: the nine-tile QR jigsaw — tiles that decode only when put back, claims by deep link, one winner.</summary>
public sealed class JigsawTests : IAsyncLifetime
{
    private static readonly ChatUser Amy = new(11, "Amy", "amy");
    private static readonly ChatUser Ben = new(12, "Ben", "ben");
    private static readonly ChatUser Eve = new(13, "Eve", "eve");
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir);

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    private static ChatInfo Dm(ChatUser u) => new(u.Id, ChatKind.Private, u.FirstName);

    private static string Text(IEnumerable<ChatAction> actions) => actions.All();

    /// <summary>Opens a jigsaw; returns the album's tiles (as posted) and the claim link read from them in the seed's order.</summary>
    private async Task<(List<byte[]> Tiles, string Link, int[] Order)> Open(string command = "/jigsaw 栗子一袋")
    {
        var actions = await _bot.Say(BotHarness.Owner, command);
        var album = actions.OfType<SendAlbum>().Single();
        Assert.Equal(9, album.Photos.Count);
        var tiles = album.Photos.Select(File.ReadAllBytes).ToList();
        var order = JigsawImage.Order(_bot.Entropy_Seed(1));
        var link = QrDecode.ReadInOrder(tiles, order);
        Assert.NotNull(link);
        return (tiles, link!, order);
    }

    private static string PayloadOf(string link) => link[(link.IndexOf("start=", StringComparison.Ordinal) + 6)..];

    private async Task<List<ChatAction>> Start(ChatUser user, string payload)
    {
        var direct = await _bot.SayIn(Dm(user), user, "/start " + payload);
        // The decision is made in the group's queue: wait for it and its replies.
        return [.. direct, .. await _bot.Settle(TimeSpan.Zero)];
    }

    [Fact]
    public void The_order_comes_from_the_seed_alone_and_no_piece_stays_in_its_place()
    {
        for (byte b = 1; b < 60; b++)
        {
            var seed = Enumerable.Repeat(b, 32).ToArray();
            var order = JigsawImage.Order(seed);
            Assert.Equal(Enumerable.Range(0, 9), order.Order());
            Assert.All(Enumerable.Range(0, 9), k => Assert.NotEqual(k, order[k]));
            Assert.Equal(order, JigsawImage.Order(seed.ToArray()));
        }
        Assert.NotEqual(JigsawImage.Order(Enumerable.Repeat((byte)1, 32).ToArray()), JigsawImage.Order(Enumerable.Repeat((byte)2, 32).ToArray()));
    }

    [Fact]
    public async Task The_tiles_put_back_in_the_revealed_order_decode_to_the_claim_link_and_the_album_as_posted_does_not()
    {
        var (tiles, link, order) = await Open();
        Assert.Matches(@"^https://t\.me/TestBot\?start=jg_[A-Za-z0-9_-]{24}$", link);
        Assert.Null(QrDecode.ReadAsPosted(tiles));
        // Nothing but the tiles is written: no whole picture anywhere under the data folder.
        var files = Directory.GetFiles(_dir.Path, "*.png", SearchOption.AllDirectories);
        Assert.Equal(9, files.Length);
        Assert.All(files, f => Assert.Equal(JigsawImage.TileSize, SkiaSharp.SKBitmap.DecodeBounds(f).Width));

        var won = Text(await Start(Amy, PayloadOf(link)));
        // The result reveals the seed (its SHA-256 is the hash posted with the album) and the order the test used.
        var seedHex = Regex.Match(won, "种子 ([0-9a-f]{64})").Groups[1].Value;
        Assert.Contains($"SHA-256 应为 {Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString(seedHex)))}", won);
        Assert.Contains("原图的第 " + string.Join("、", order.Select(p => p + 1)) + " 块", won);
        Assert.Equal(link, QrDecode.ReadInOrder(tiles, JigsawImage.Order(Convert.FromHexString(seedHex))));
    }

    [Fact]
    public async Task Two_members_claim_the_first_wins_once_the_second_is_thanked_and_replays_and_forgeries_are_refused()
    {
        var (_, link, _) = await Open();
        var payload = PayloadOf(link);
        Assert.Contains("本群已有一局九宫格拼图", Text(await _bot.Say(BotHarness.Owner, "/jigsaw 第二局")));

        // Both scan at once: the claims are decided one after the other in the group's queue.
        var both = await _bot.SayIn(Dm(Amy), Amy, "/start " + payload);
        both.AddRange(await _bot.SayIn(Dm(Ben), Ben, "/start " + payload));
        both.AddRange(await _bot.Settle(TimeSpan.Zero));
        var announce = both.OfType<SendText>().Where(t => t.ChatId == BotHarness.Chat && t.Text.Contains("第一个拼好！")).ToList();
        Assert.Single(announce);
        Assert.Contains("🧩 @amy 第一个拼好！获得：栗子一袋", announce[0].Text);
        Assert.Contains(both.OfType<SendText>(), t => t.ChatId == Amy.Id && t.Text.Contains("恭喜，你第一个拼好了九宫格拼图 #1"));
        // The game message is edited to its end.
        Assert.Contains(both.OfType<EditText>(), e => e.Text.Contains("得主：@amy"));
        Assert.Contains("已经被 @amy 抢先拼好了", Text(both.Where(a => a.ChatId == Ben.Id)));

        var later = await Start(Ben, payload);
        Assert.DoesNotContain(later.OfType<SendText>(), t => t.ChatId == BotHarness.Chat);
        Assert.Contains("已经被 @amy 抢先拼好了", Text(later.Where(a => a.ChatId == Ben.Id)));

        Assert.Contains("你已经领过", Text(await Start(Amy, payload)));
        var forged = payload[..^4] + (payload[^4..] == "AAAA" ? "BBBB" : "AAAA");
        Assert.Contains("这个领奖链接或口令无效或已过期", Text(await Start(Eve, forged)));
        Assert.Contains("这个链接无效或已过期", Text(await Start(Eve, "xx_" + payload[3..])));

        var store = _bot.Get<GameStore>();
        var game = store.Find(BotHarness.Chat, 1)!;
        Assert.Equal(GameState.Settled, game.State);
        Assert.Equal(Amy.Id, game.Jigsaw!.WinnerUserId);
        Assert.Single(store.LedgerOf(1), l => l.Kind == LedgerKind.Prize && l.UserId == Amy.Id);
        Assert.Equal(10, _bot.Get<Points>().TotalPoints(Amy.Id, BotHarness.Chat));
        Assert.Equal(0, _bot.Get<Points>().TotalPoints(Ben.Id, BotHarness.Chat));
        // Claimers take part: /stats counts them.
        Assert.Contains(Amy.Id, game.Participants());
    }

    [Fact]
    public async Task A_non_member_is_refused_and_may_claim_after_joining_and_a_failed_check_grants_nothing()
    {
        var (_, link, _) = await Open();
        _bot.Chat_.NotMembers.Add(Eve.Id);
        Assert.Contains("只限「测试群」的成员参加", Text(await Start(Eve, PayloadOf(link))));
        _bot.Chat_.MemberLookupFails = true;
        Assert.Contains("暂时无法确认", Text(await Start(Ben, PayloadOf(link))));
        _bot.Chat_.MemberLookupFails = false;
        Assert.True(_bot.Get<GameStore>().Find(BotHarness.Chat, 1)!.IsLive);
        _bot.Chat_.NotMembers.Remove(Eve.Id);
        Assert.Contains("恭喜", Text(await Start(Eve, PayloadOf(link))));
    }

    [Fact]
    public async Task A_restart_between_post_and_claim_keeps_the_game_and_its_link()
    {
        var (_, link, _) = await Open();
        await _bot.Restart();
        Assert.Contains("九宫格拼图 · 栗子一袋", Text(await _bot.Say(Amy, "/games")));
        var won = await Start(Ben, PayloadOf(link));
        Assert.Contains("🧩 @ben 第一个拼好！", Text(won.Where(a => a.ChatId == BotHarness.Chat)));
    }

    [Fact]
    public async Task After_the_deadline_the_link_is_dead_and_the_order_is_revealed()
    {
        var (_, link, order) = await Open("/jigsaw 栗子一袋 deadline=30m");
        var ended = Text(await _bot.Advance(TimeSpan.FromMinutes(31)));
        Assert.Contains("没有人拼出来", ended);
        Assert.Contains(string.Join("、", order.Select(p => p + 1)), ended);
        Assert.Contains("已经结束，这个链接已失效", Text(await Start(Amy, PayloadOf(link))));
        Assert.Equal(0, _bot.Get<Points>().TotalPoints(Amy.Id, BotHarness.Chat));
    }

    [Fact]
    public async Task Admin_ends_and_cancels_members_may_not_and_bad_input_changes_nothing()
    {
        Assert.Contains("缺少奖品", Text(await _bot.Say(BotHarness.Owner, "/jigsaw")));
        Assert.Contains("截止时间「明年」看不懂", Text(await _bot.Say(BotHarness.Owner, "/jigsaw 栗子 deadline=明年")));
        Assert.Contains("奖品描述太长", Text(await _bot.Say(BotHarness.Owner, "/jigsaw " + new string('栗', 101))));
        Assert.Empty(_bot.Get<GameStore>().AllLive());
        Assert.Contains("只有群管理员", Text(await _bot.Say(Amy, "/jigsaw 栗子")));
        Assert.Contains("请在群里使用", Text(await _bot.SayIn(Dm(BotHarness.Owner), BotHarness.Owner, "/jigsaw 栗子")));
        Assert.Empty(_bot.Get<GameStore>().AllLive());

        var (_, link, _) = await Open();
        Assert.Contains("#1 号游戏不能这样玩", Text(await _bot.Say(Amy, "/join 1"))); // nothing to join: it is won by scanning
        Assert.Contains("没有进行中的 #2 号游戏", Text(await _bot.Say(Amy, "/join 2")));
        Assert.Contains("已取消", Text(await _bot.Say(BotHarness.Owner, "/cancel")));
        Assert.Contains("已经结束", Text(await Start(Amy, PayloadOf(link))));
        Assert.Equal(GameState.Cancelled, _bot.Get<GameStore>().Find(BotHarness.Chat, 1)!.State);
    }

    [Fact]
    public async Task The_claim_command_plays_the_scan_and_is_deleted_in_a_group()
    {
        var (_, link, _) = await Open();
        var said = await _bot.Say(Amy, "/claim " + link);
        Assert.Contains(said, a => a is DeleteMessage);
        var all = Text([.. said, .. await _bot.Settle(TimeSpan.Zero)]);
        Assert.Contains("🧩 @amy 第一个拼好！", all);
        Assert.Contains("/claim <链接或口令>", Text(await _bot.Say(Ben, "/claim")));
    }

    /// <summary>Reads the code word printed under the QR, cell by cell against the built-in font.</summary>
    private static string ReadCode(List<byte[]> tiles, int[] order, int length)
    {
        using var whole = QrDecode.Assemble(tiles, order);
        var printed = length + 1;
        var (pixel, left, top) = JigsawImage.CodeLayout(printed);
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < printed; i++)
        {
            var match = CodeFont.Glyphs.Where(g => Enumerable.Range(0, CodeFont.Height).All(y => Enumerable.Range(0, CodeFont.Width).All(x =>
                (whole.GetPixel(left + (i * (CodeFont.Width + 1) + x) * pixel + pixel / 2, top + y * pixel + pixel / 2).Red < 128) == (g.Value[y][x] == '#'))))
                .Select(g => g.Key).ToList();
            Assert.Single(match);
            text.Append(match[0]);
        }
        return text.ToString().Replace("-", "");
    }

    [Fact]
    public async Task With_link_the_QR_holds_the_brands_link_and_the_code_word_printed_under_it_wins_with_wrong_codes_limited()
    {
        Assert.Contains("不是 https:// 开头的链接", Text(await _bot.Say(BotHarness.Owner, "/jigsaw 栗子 link=javascript:alert(1)")));
        Assert.Empty(_bot.Get<GameStore>().AllLive());
        var actions = await _bot.Say(BotHarness.Owner, "/jigsaw 栗子一袋 link=https://brand.example/follow?id=42");
        Assert.Contains("把图下方的口令私聊发给机器人", Text(actions));
        var tiles = actions.OfType<SendAlbum>().Single().Photos.Select(File.ReadAllBytes).ToList();
        var order = JigsawImage.Order(_bot.Entropy_Seed(1));
        Assert.Equal("https://brand.example/follow?id=42", QrDecode.ReadInOrder(tiles, order));
        Assert.Null(QrDecode.ReadAsPosted(tiles));
        var code = ReadCode(tiles, order, 8);
        Assert.Equal(_bot.Get<GameStore>().Find(BotHarness.Chat, 1)!.Jigsaw!.Code, code);

        // Eve guesses: five wrong codes an hour, then even the right one waits.
        for (var i = 0; i < JigsawFlow.MaxWrongCodes; i++)
            Assert.Contains("无效或已过期", Text(await _bot.SayIn(Dm(Eve), Eve, "/claim ABCDEFGH")));
        Assert.Contains("口令错了太多次", Text(await _bot.SayIn(Dm(Eve), Eve, "/claim " + code)));
        Assert.True(_bot.Get<GameStore>().Find(BotHarness.Chat, 1)!.IsLive);

        // Amy types it as printed, in lower case with the dash: it wins.
        var printed = code[..4].ToLowerInvariant() + "-" + code[4..];
        var won = Text([.. await _bot.SayIn(Dm(Amy), Amy, "/claim " + printed), .. await _bot.Settle(TimeSpan.Zero)]);
        Assert.Contains("🧩 @amy 第一个拼好！", won);
        Assert.Contains("口令是 " + CodeFont.Printed(code), won);
        var late = await _bot.SayIn(Dm(Ben), Ben, "/claim " + code);
        late.AddRange(await _bot.Settle(TimeSpan.Zero));
        Assert.Contains("已经被 @amy 抢先", Text(late));
    }

    [Fact]
    public void The_verify_command_re_derives_the_order_and_hash_from_a_revealed_seed()
    {
        var seed = Enumerable.Repeat((byte)7, 32).ToArray();
        var output = new StringWriter();
        Assert.Equal(0, JigsawVerify.Run([Convert.ToHexString(seed)], output, new StringWriter()));
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(seed)), output.ToString());
        var order = JigsawImage.Order(seed);
        Assert.Contains($"1 → {order[0] + 1}", output.ToString());
        Assert.Contains($"9 → {order[8] + 1}", output.ToString());
        var error = new StringWriter();
        Assert.Equal(2, JigsawVerify.Run(["zz"], new StringWriter(), error));
        Assert.Contains("usage: verify jigsaw", error.ToString());
        Assert.Equal(2, JigsawVerify.Run([], new StringWriter(), new StringWriter()));
    }

    [Fact]
    public void Payload_tokens_are_unguessable_and_resolve_only_to_a_registered_prefix()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => DeepLinks.NewToken()).ToList();
        Assert.Equal(1000, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]{24}$", t)); // 18 random bytes: 144 bits
        Assert.True(DeepLinks.TokenBytes * 8 >= 128);
        var links = _bot.Get<DeepLinks>();
        Assert.True(links.TryResolve("jg_" + tokens[0], out _, out var rest));
        Assert.Equal(tokens[0], rest);
        Assert.False(links.TryResolve("zz_" + tokens[0], out _, out _));
        Assert.False(links.TryResolve("jg_", out _, out _));
        Assert.False(links.TryResolve("jg_" + new string('a', 70), out _, out _));
        Assert.False(links.TryResolve("jg_../../etc", out _, out _));
    }
}
