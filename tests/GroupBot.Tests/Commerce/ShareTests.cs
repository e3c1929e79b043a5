using GroupBot.Chat;
using GroupBot.Commerce;
using GroupBot.Posting;
using GroupBot.Tests.EndToEnd;
using GroupBot.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;

namespace GroupBot.Tests.Commerce;

/// <summary>/share: the personal link, the poster and its QR code, through the bot on fake chat.</summary>
public sealed class ShareTests : IAsyncLifetime
{
    private static readonly ChatUser Amy = new(501, "Amy", "amy");
    private static readonly ChatInfo AmyChat = new(Amy.Id, ChatKind.Private, "Amy");
    private readonly TempDir _dir = Repo.Temp();
    private BotHarness _bot = null!;

    public async Task InitializeAsync() => _bot = await BotHarness.Start(_dir);

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>The text of the QR code in a PNG, read the way a phone would (ZXing), or null.</summary>
    public static string? DecodeQr(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        return QrDecode.Read(bitmap);
    }

    [Fact]
    public async Task Share_gives_a_poster_whose_qr_is_the_personal_link_and_the_copy_with_that_link()
    {
        var reply = await _bot.SayIn(AmyChat, Amy, "/share chestnut");
        var photo = Assert.IsType<SendPhoto>(Assert.Single(reply));
        var code = _bot.Get<DistributorCodes>().Find(Amy.Id)!;
        var link = $"https://shop.example.com/p/chestnut?ref={code}";
        Assert.Equal(link, DecodeQr(await File.ReadAllBytesAsync(photo.Photo)));
        Assert.Contains(link, photo.Caption);
        Assert.Contains("<code>剥好的栗子", photo.Caption);
        Assert.DoesNotContain(Amy.Id.ToString(), code);
        Assert.StartsWith(_dir.Path, Path.GetFullPath(photo.Photo));

        // The same code every time, also after a restart; another product, the same code in its link.
        await _bot.Restart();
        var again = Assert.IsType<SendPhoto>(Assert.Single(await _bot.SayIn(AmyChat, Amy, "/share ＷＡＬＮＵＴ")));
        Assert.Equal($"https://shop.example.com/p/walnut?ref={code}", DecodeQr(await File.ReadAllBytesAsync(again.Photo)));
        Assert.Equal(code, _bot.Get<DistributorCodes>().Find(Amy.Id));
    }

    [Fact]
    public async Task Share_is_private_and_bad_input_gets_a_short_answer()
    {
        var inGroup = await _bot.Say(Amy, "/share chestnut");
        Assert.DoesNotContain(inGroup, a => a is SendPhoto);
        Assert.Null(_bot.Get<DistributorCodes>().Find(Amy.Id));
        Assert.Contains("用法：/share", (await _bot.SayIn(AmyChat, Amy, "/share")).All());
        var unknown = (await _bot.SayIn(AmyChat, Amy, "/share ../../etc/passwd" + new string('x', 5000))).All();
        Assert.Contains("没有商品", unknown);
        Assert.True(unknown.Length < 400);
        Assert.Null(_bot.Get<DistributorCodes>().Find(Amy.Id));
    }

    [Fact]
    public void The_poster_uses_a_cjk_font_and_links_keep_their_own_query()
    {
        var poster = new Poster(NullLogger<Poster>.Instance);
        var (typeface, source) = poster.Font("");
        Assert.True(Poster.HasCjk(typeface), $"no CJK font ({source}): install fonts-noto-cjk");
        Assert.Equal("https://s.example.com/p?id=9&ref=ABC", ShareCommand.LinkFor("https://s.example.com/p?id=9", "ref", "ABC"));
        Assert.Equal("https://s.example.com/p?ref=ABC#top", ShareCommand.LinkFor("https://s.example.com/p#top", "ref", "ABC"));
        var png = poster.Draw(new Product("x", "一个名字非常非常非常长的商品，长到要换行才能放下的那种礼盒装", 990, 1290, null, ["c"], [], "product"),
            "https://s.example.com/p?ref=ABCDEFGH", "@amy", "ABCDEFGH", "/no/such/font.ttf");
        Assert.Equal("https://s.example.com/p?ref=ABCDEFGH", DecodeQr(png));
    }
}

/// <summary>/share end to end: the poster photo arrives in the private chat through the Bot API peer.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ShareEndToEndTests(TelegramPeer peer) : IClassFixture<TelegramPeer>
{
    [Fact]
    public async Task Share_in_private_chat_sends_the_poster_photo_whose_qr_is_the_personal_link()
    {
        var amy = new PeerUser(61, "Amy", "amy");
        var chat = PeerChat.Private(amy);
        await using var bot = new BotOnPeer(peer, "15001:share");
        await bot.Start();
        await bot.Users.SendCommand(amy, chat, "/share chestnut");
        var message = await bot.Users.WaitForBotMessage(chat, m => m.Message["photo"] is not null);
        var code = bot.Get<DistributorCodes>().Find(amy.Id)!;
        var link = $"https://shop.example.com/p/chestnut?ref={code}";
        Assert.Contains(link, message.Text);
        var data = message.Message["photo_file"]?["data"]?.GetValue<string>();
        Assert.NotNull(data);
        Assert.Equal(link, ShareTests.DecodeQr(Convert.FromBase64String(data!)));
    }
}
