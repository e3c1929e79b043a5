using GroupBot.Posting;
using Microsoft.Extensions.Logging;
using QRCoder;
using SkiaSharp;

namespace GroupBot.Commerce;

/// <summary>
/// The personal share poster (海报): product image, name, price and a QR code of the distributor's own link, as a PNG.
/// Chinese needs a CJK font, chosen explicitly: Commerce:PosterFont, else Noto Sans CJK SC or WenQuanYi where Debian puts
/// them (fonts-noto-cjk), else whatever font the system matches for 中; without one the poster is still drawn (the QR and
/// prices read fine) and a warning says which package to install.
/// </summary>
public sealed class Poster(ILogger<Poster> log)
{
    public const int Width = 750;
    public const int Height = 1100;

    /// <summary>(file, index in a .ttc collection): Noto Sans CJK's collection holds JP, KR, SC, TC, HK in that order.</summary>
    private static readonly (string File, int Index)[] Candidates =
    [
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
        ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
        ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
        ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
        ("/System/Library/Fonts/PingFang.ttc", 0),
        ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ];

    private SKTypeface? _typeface;
    private string _fontPath = "";

    /// <summary>The font drawing Chinese text, and where it came from (for the log and the tests).</summary>
    public (SKTypeface Typeface, string Source) Font(string configured)
    {
        if (_typeface is not null && _fontPath == configured) return (_typeface, _source);
        _fontPath = configured;
        (_typeface, _source) = Choose(configured);
        return (_typeface, _source);
    }

    private string _source = "";

    private (SKTypeface, string) Choose(string configured)
    {
        if (configured.Length > 0)
        {
            if (File.Exists(configured) && SKTypeface.FromFile(configured) is { } mine && HasCjk(mine)) return (mine, configured);
            log.LogWarning("Commerce:PosterFont {Font} is missing or has no Chinese glyphs; looking for a CJK font instead", configured);
        }
        foreach (var (file, index) in Candidates)
            if (File.Exists(file) && SKTypeface.FromFile(file, index) is { } t && HasCjk(t)) return (t, file);
        if (SKFontManager.Default.MatchCharacter('中') is { } matched && HasCjk(matched)) return (matched, matched.FamilyName);
        log.LogWarning("No CJK font found: poster text in Chinese will not show. Install fonts-noto-cjk (apt-get install fonts-noto-cjk) or set Commerce:PosterFont");
        return (SKTypeface.Default, "default (no CJK)");
    }

    public static bool HasCjk(SKTypeface typeface)
    {
        using var font = new SKFont(typeface);
        return font.ContainsGlyphs("中文价");
    }

    /// <summary>Draws the poster for a product and a personal link as PNG bytes.</summary>
    public byte[] Draw(Product product, string link, string distributor, string code, string configuredFont)
    {
        var (typeface, _) = Font(configuredFont);
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var fill = new SKPaint { IsAntialias = true };

        // Product image, or a plain panel with the product's first character when there is no local image to draw.
        var imageRect = new SKRect(40, 40, Width - 40, 520);
        using (var bitmap = product.Image is { } path && File.Exists(path) ? SKBitmap.Decode(path) : null)
        {
            if (bitmap is not null) canvas.DrawBitmap(bitmap, Fit(bitmap.Width, bitmap.Height, imageRect));
            else
            {
                fill.Color = new SKColor(0xFF, 0xF1, 0xE6);
                canvas.DrawRoundRect(imageRect, 24, 24, fill);
                fill.Color = new SKColor(0xE0, 0x6C, 0x2F);
                using var big = new SKFont(typeface, 220);
                var first = product.Name.Length > 0 ? char.IsSurrogate(product.Name[0]) && product.Name.Length > 1 ? product.Name[..2] : product.Name[..1] : "?";
                canvas.DrawText(first, imageRect.MidX, imageRect.MidY + 80, SKTextAlign.Center, big, fill);
            }
        }

        fill.Color = new SKColor(0x22, 0x22, 0x22);
        using var nameFont = new SKFont(typeface, 44) { Embolden = true };
        var y = 590f;
        foreach (var line in Wrap(product.Name, nameFont, Width - 80).Take(2))
        {
            canvas.DrawText(line, 40, y, SKTextAlign.Left, nameFont, fill);
            y += 56;
        }
        fill.Color = new SKColor(0xE5, 0x2E, 0x2E);
        using var priceFont = new SKFont(typeface, 64) { Embolden = true };
        var price = Money.Format(product.PriceFen);
        canvas.DrawText(price, 40, y + 40, SKTextAlign.Left, priceFont, fill);
        if (product.ListPriceFen is { } listFen && listFen > product.PriceFen)
        {
            var x = 40 + priceFont.MeasureText(price) + 24;
            using var listFont = new SKFont(typeface, 32);
            var list = Money.Format(listFen);
            fill.Color = new SKColor(0x99, 0x99, 0x99);
            canvas.DrawText(list, x, y + 40, SKTextAlign.Left, listFont, fill);
            using var strike = new SKPaint { Color = fill.Color, StrokeWidth = 2, IsAntialias = true };
            canvas.DrawLine(x, y + 29, x + listFont.MeasureText(list), y + 29, strike);
        }

        // The QR code: dark modules on white with its quiet zone, large enough to scan from a phone screen.
        var qrRect = new SKRect(Width - 40 - 300, Height - 40 - 300, Width - 40, Height - 40);
        DrawQr(canvas, link, qrRect);
        fill.Color = new SKColor(0x44, 0x44, 0x44);
        using var small = new SKFont(typeface, 30);
        canvas.DrawText("长按识别二维码购买", 40, Height - 250, SKTextAlign.Left, small, fill);
        canvas.DrawText("推荐人 " + Trim(distributor, 16), 40, Height - 200, SKTextAlign.Left, small, fill);
        canvas.DrawText("推荐码 " + code, 40, Height - 150, SKTextAlign.Left, small, fill);

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void DrawQr(SKCanvas canvas, string text, SKRect rect)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix; // includes QRCoder's 4-module quiet zone
        var n = matrix.Count;
        var module = (float)Math.Floor(Math.Min(rect.Width, rect.Height) / n);
        var size = module * n;
        var left = rect.Left + (rect.Width - size) / 2;
        var top = rect.Top + (rect.Height - size) / 2;
        using var paint = new SKPaint { Color = SKColors.White, IsAntialias = false };
        canvas.DrawRect(left, top, size, size, paint);
        paint.Color = SKColors.Black;
        for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
                if (matrix[r][c]) canvas.DrawRect(left + c * module, top + r * module, module, module, paint);
    }

    private static SKRect Fit(int width, int height, SKRect box)
    {
        var scale = Math.Min(box.Width / width, box.Height / height);
        var (w, h) = (width * scale, height * scale);
        return SKRect.Create(box.MidX - w / 2, box.MidY - h / 2, w, h);
    }

    /// <summary>Breaks text into lines that fit, at any character (Chinese has no spaces to break at).</summary>
    private static IEnumerable<string> Wrap(string text, SKFont font, float width)
    {
        var line = "";
        foreach (var rune in text.EnumerateRunes())
        {
            var next = line + rune;
            if (line.Length > 0 && font.MeasureText(next) > width)
            {
                yield return line;
                line = rune.ToString();
            }
            else line = next;
        }
        if (line.Length > 0) yield return line;
    }

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
