using SkiaSharp;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace GroupBot.Tests.Support;

/// <summary>Puts jigsaw tiles together and reads the picture with a real QR decoder (ZXing), from raw pixels.</summary>
public static class QrDecode
{
    /// <summary>The 3×3 picture with tile <c>tiles[k]</c> at grid place <c>places[k]</c> (row by row).</summary>
    public static SKBitmap Assemble(IReadOnlyList<byte[]> tiles, IReadOnlyList<int> places)
    {
        using var first = SKBitmap.Decode(tiles[0]);
        var size = first.Width;
        var whole = new SKBitmap(size * 3, size * 3);
        using var canvas = new SKCanvas(whole);
        canvas.Clear(SKColors.White);
        for (var k = 0; k < tiles.Count; k++)
        {
            using var tile = SKBitmap.Decode(tiles[k]);
            canvas.DrawBitmap(tile, places[k] % 3 * size, places[k] / 3 * size);
        }
        canvas.Flush();
        return whole;
    }

    /// <summary>The text the QR code in the picture holds, or null when no code can be read.</summary>
    public static string? Read(SKBitmap bitmap)
    {
        using var rgba = bitmap.Copy(SKColorType.Rgba8888);
        var source = new RGBLuminanceSource(rgba.Bytes, rgba.Width, rgba.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        // ZXing's finder-pattern search misses about one clean code in 300 (a pattern in the data looks like a corner):
        // such a picture is read again as what it is, one code alone on its background, as a phone's scanner would read it.
        return Decode(source, new() { [DecodeHintType.TRY_HARDER] = true })
            ?? Decode(source, new() { [DecodeHintType.TRY_HARDER] = true, [DecodeHintType.PURE_BARCODE] = true });
    }

    private static string? Decode(LuminanceSource source, Dictionary<DecodeHintType, object> hints)
    {
        try
        {
            return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints)?.Text;
        }
        catch (ReaderException)
        {
            return null;
        }
    }

    /// <summary>Tiles in album order, put back by the revealed order (album photo k shows piece order[k]).</summary>
    public static string? ReadInOrder(IReadOnlyList<byte[]> album, IReadOnlyList<int> order)
    {
        using var whole = Assemble(album, order);
        return Read(whole);
    }

    /// <summary>Tiles as posted, photo k at place k.</summary>
    public static string? ReadAsPosted(IReadOnlyList<byte[]> album)
    {
        using var whole = Assemble(album, Enumerable.Range(0, album.Count).ToList());
        return Read(whole);
    }
}
