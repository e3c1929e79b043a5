using System.Security.Cryptography;
using System.Text;
using GroupBot.Chat;
using GroupBot.Commands;
using GroupBot.Community;
using GroupBot.Hosting;
using GroupBot.Posting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GroupBot.Commerce;

/// <summary>
/// /share &lt;product&gt; in private chat: what a distributor forwards to their own circle — the poster with their QR code,
/// the product's copy (tap to copy) and their personal buy link (the product's url with their code). Private, so a
/// distributor's code is never shown to a group.
/// </summary>
public sealed class ShareCommand(Catalog catalog, Members members, DistributorCodes codes, Poster poster, IOptionsMonitor<CommerceOptions> options,
    IOptions<StorageOptions> storage, ILogger<ShareCommand> log)
{
    public CommandSpec Spec => new("share", Role.Member, (ctx, _) => Task.FromResult(Run(ctx)), Scope: CommandScope.Private);

    /// <summary>Posters are kept beside the database: the outbox sends the file after the unit commits (and after a restart).</summary>
    public string Folder => Path.Combine(Path.GetDirectoryName(storage.Value.Path)!, "posters");

    /// <summary>The product's url with the code as a query parameter (before any #fragment).</summary>
    public static string LinkFor(string url, string parameter, string code)
    {
        var builder = new UriBuilder(url);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + Uri.EscapeDataString(parameter) + "=" + Uri.EscapeDataString(code);
        return builder.Uri.AbsoluteUri;
    }

    private IReadOnlyList<ChatAction> Run(CommandContext ctx)
    {
        var ids = string.Join(" / ", catalog.Products.Where(p => p.Url is not null).Select(p => p.Id));
        if (ctx.Args.Count == 0) return Notice(ctx, "share_form", null, ids);
        var product = catalog.Find(TextWidth.Fold(ctx.Args[0]).Trim());
        if (product is null) return Notice(ctx, "share_unknown_product", ctx.Args[0], ids);
        if (product.Url is null) return Notice(ctx, "share_no_url", product.Name, ids);
        var me = members.Seen(ctx.From);
        var o = options.CurrentValue;
        var code = codes.CodeOf(me.UserId);
        var link = LinkFor(product.Url, o.LinkParameter, code);
        var name = Members.DisplayName(me);
        var file = PosterFile(product, link, name, code, o.PosterFont);
        var caption = ctx.Render("share_kit", new
        {
            product.Name,
            Price = Money.Format(product.PriceFen),
            ListPrice = product.ListPriceFen is { } l && l > product.PriceFen ? Money.Format(l) : "",
            product.Copy,
            Link = link,
            Code = code,
        });
        return [new SendPhoto(ctx.ChatId, file, caption)];
    }

    /// <summary>The poster's file, drawn once per distributor, product and look (a changed price or name draws a new one).</summary>
    private string PosterFile(Product product, string link, string distributor, string code, string font)
    {
        var stamp = product.Image is { } image && File.Exists(image) ? File.GetLastWriteTimeUtc(image).Ticks : 0;
        var look = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', product.Id, product.Name, product.PriceFen, product.ListPriceFen, product.Image, stamp, link, distributor, font)));
        // Named by the code and a hash, never by text from config or the user, so the path stays inside the folder.
        var path = Path.Combine(Folder, $"{code}-{Convert.ToHexStringLower(look)[..16]}.png");
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(Folder);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, poster.Draw(product, link, distributor, code, font));
        File.Move(temp, path, overwrite: true);
        log.LogInformation("Poster drawn for product {Product}", product.Id);
        return path;
    }

    private static IReadOnlyList<ChatAction> Notice(CommandContext ctx, string code, string? value, string more) =>
        ctx.Reply("commerce_notice", new { Code = code, Value = TelegramText.Quote(value), More = more });
}
