using GroupBot.Hosting;

namespace GroupBot.Posting;

public sealed record Product(string Id, string Name, long PriceFen, long? ListPriceFen, string? Image, IReadOnlyList<string> Copy,
    IReadOnlyList<string> Tags, string Theme, string? Url = null, long? BargainFloorFen = null);

/// <summary>config/products.json: the catalog the daily posts draw from. Replaced whole on a good edit.</summary>
public sealed class Catalog
{
    public static readonly string[] Themes = ["product", "brand", "logistics", "incentive"];
    private volatile IReadOnlyList<Product> _products = [];

    public IReadOnlyList<Product> Products => _products;

    public Product? Find(string id) => _products.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    public void Load(string path) => _products = Read(path);

    public static IReadOnlyList<Product> Read(string path)
    {
        if (!File.Exists(path)) return [];
        using var doc = JsonConfigFile.Parse(path);
        var file = new JsonConfigFile(path, doc.RootElement);
        var products = new List<Product>();
        foreach (var (e, at) in file.Array("products"))
        {
            var id = file.Text(e, at, "id");
            if (products.Any(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase))) throw file.Error($"{at}.id", $"'{id}' is used twice");
            if (id.Any(char.IsWhiteSpace)) throw file.Error($"{at}.id", $"'{id}' must be one word");
            var copy = file.Texts(e, at, "copy");
            if (copy.Count is < 1 or > 5) throw file.Error($"{at}.copy", "must hold 1 to 5 copy variants (2–3 is best)");
            var theme = file.Text(e, at, "theme", required: false) is { Length: > 0 } t ? t : "product";
            if (!Themes.Contains(theme)) throw file.Error($"{at}.theme", $"'{theme}' must be one of {string.Join(", ", Themes)}");
            var image = file.Text(e, at, "image", required: false);
            if (image.Length > 0 && !Uri.TryCreate(image, UriKind.Absolute, out _) && !File.Exists(ResolveImage(path, image)))
                throw file.Error($"{at}.image", $"'{image}' is neither a URL nor a file that exists");
            // url: the shop page a distributor's personal link points to (their code is added as ?ref=…).
            var url = file.Text(e, at, "url", required: false);
            if (url.Length > 0 && !(Uri.TryCreate(url, UriKind.Absolute, out var shop) && shop.Scheme is "http" or "https"))
                throw file.Error($"{at}.url", $"'{url}' must be an http(s) address");
            var price = file.Money(e, at, "price", required: true)!.Value;
            var listPrice = file.Money(e, at, "listPrice", required: false);
            // bargainFloor: the lowest price a 砍价 can reach; below the price a bargain starts from.
            var floor = file.Money(e, at, "bargainFloor", required: false);
            if (floor is { } f && f >= (listPrice ?? price)) throw file.Error($"{at}.bargainFloor", "must be below the price a bargain starts from (listPrice, else price)");
            products.Add(new Product(id, file.Text(e, at, "name"), price,
                listPrice, image.Length == 0 ? null : ResolveImage(path, image), copy,
                file.Texts(e, at, "tags"), theme, url.Length == 0 ? null : url, floor));
        }
        return products;
    }

    /// <summary>A relative image path is relative to the config folder.</summary>
    private static string ResolveImage(string catalogPath, string image) =>
        Uri.TryCreate(image, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? image
        : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(catalogPath)!, image));
}
