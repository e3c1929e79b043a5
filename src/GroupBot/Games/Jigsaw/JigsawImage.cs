using QRCoder;
using SkiaSharp;

namespace GroupBot.Games.Jigsaw;

/// <summary>How the QR is drawn: the brand's colours, an optional logo in the middle (config Jigsaw:…).</summary>
public sealed record JigsawLook(SKColor Foreground, SKColor Background, SKColor Frame, string? LogoPath);

/// <summary>
/// The nine tiles: a QR code of the claim link drawn in memory, cut into a 3×3 grid and put in the shuffled order. The
/// whole picture never leaves this method (it is neither stored nor sent); only the tiles, already shuffled, do.
/// </summary>
public static class JigsawImage
{
    public const int Grid = 3;
    public const int TileSize = 240;
    public const int Size = Grid * TileSize;

    /// <summary>
    /// The album order from the seed: order[k] is the piece (0–8, row by row in the whole picture) shown as photo k+1.
    /// Fisher–Yates with the lottery's stream (SeededRandom), drawn again until no piece is in its own place, so the
    /// album as posted never scans.
    /// </summary>
    public static int[] Order(byte[] seed)
    {
        var random = new SeededRandom(seed);
        var order = Enumerable.Range(0, Grid * Grid).ToArray();
        do
        {
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = (int)random.Below(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        while (order.Where((piece, k) => piece == k).Any());
        return order;
    }

    /// <summary>Height of the band under the QR that holds a code word (the link= variant).</summary>
    public const int CodeBand = 132;

    /// <summary>The nine PNG tiles in album order; with <paramref name="code"/>, the code word is printed under the QR.</summary>
    public static List<byte[]> Tiles(string text, int[] order, JigsawLook look, string? code = null)
    {
        using var whole = Draw(text, look, code);
        var tiles = new List<byte[]>(order.Length);
        foreach (var piece in order)
        {
            var (row, col) = (piece / Grid, piece % Grid);
            using var tile = new SKBitmap(TileSize, TileSize);
            whole.ExtractSubset(tile, SKRectI.Create(col * TileSize, row * TileSize, TileSize, TileSize));
            using var image = SKImage.FromBitmap(tile);
            using var png = image.Encode(SKEncodedImageFormat.Png, 100);
            tiles.Add(png.ToArray());
        }
        return tiles;
    }

    private static SKBitmap Draw(string text, JigsawLook look, string? code)
    {
        var logo = code is null ? LoadLogo(look.LogoPath) : null;
        // A logo hides modules in the middle: the highest error correction makes up for them.
        using var data = new QRCodeGenerator().CreateQrCode(text, logo is null ? QRCodeGenerator.ECCLevel.M : QRCodeGenerator.ECCLevel.H);
        var matrix = data.ModuleMatrix;
        var modules = matrix.Count;
        // The matrix carries its own 4-module quiet zone; the frame sits outside it.
        var frame = TileSize / 12;
        var area = code is null ? Size : Size - CodeBand;
        var scale = (area - 2 * frame) / modules;
        var offsetX = (Size - scale * modules) / 2;
        var offset = (area - scale * modules) / 2;
        var bitmap = new SKBitmap(Size, Size);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(look.Frame);
        using (var background = new SKPaint { Color = look.Background })
            canvas.DrawRect(offsetX, offset, scale * modules, scale * modules, background);
        using (var ink = new SKPaint { Color = look.Foreground, IsAntialias = false })
        {
            for (var y = 0; y < modules; y++)
                for (var x = 0; x < modules; x++)
                    if (matrix[y][x]) canvas.DrawRect(offsetX + x * scale, offset + y * scale, scale, scale, ink);
            if (code is not null) DrawCode(canvas, CodeFont.Printed(code), look, ink);
        }
        if (logo is not null && code is null)
        {
            using (logo)
            {
                // At most a fifth of the code's width, on a background square: well within what level H corrects.
                var side = scale * modules / 5f;
                var rect = SKRect.Create((Size - side) / 2, (Size - side) / 2, side, side);
                using var pad = new SKPaint { Color = look.Background };
                canvas.DrawRect(SKRect.Inflate(rect, scale, scale), pad);
                canvas.DrawBitmap(logo, rect);
            }
        }
        canvas.Flush();
        return bitmap;
    }

    /// <summary>Where a code word's characters go: the pixel size and the left and top of the first character.</summary>
    public static (int Pixel, int Left, int Top) CodeLayout(int characters)
    {
        var units = characters * (CodeFont.Width + 1) - 1;
        var pixel = Math.Min((Size - 2 * (TileSize / 12)) / units, (CodeBand - 24) / CodeFont.Height);
        return (pixel, (Size - units * pixel) / 2, Size - CodeBand + (CodeBand - CodeFont.Height * pixel) / 2 - TileSize / 24);
    }

    private static void DrawCode(SKCanvas canvas, string printed, JigsawLook look, SKPaint ink)
    {
        var (pixel, left, top) = CodeLayout(printed.Length);
        using (var band = new SKPaint { Color = look.Background })
            canvas.DrawRect(left - pixel, top - pixel, (printed.Length * (CodeFont.Width + 1) + 1) * pixel, (CodeFont.Height + 2) * pixel, band);
        for (var i = 0; i < printed.Length; i++)
        {
            var glyph = CodeFont.Glyphs[printed[i]];
            for (var y = 0; y < CodeFont.Height; y++)
                for (var x = 0; x < CodeFont.Width; x++)
                    if (glyph[y][x] == '#') canvas.DrawRect(left + (i * (CodeFont.Width + 1) + x) * pixel, top + y * pixel, pixel, pixel, ink);
        }
    }

    private static SKBitmap? LoadLogo(string? path)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path)) return null;
        return SKBitmap.Decode(path);
    }
}
