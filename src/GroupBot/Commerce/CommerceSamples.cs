namespace GroupBot.Commerce;

/// <summary>Sample models for the commerce and bargain templates (see Templates/TemplateSamples.cs).</summary>
public static class CommerceSamples
{
    private static readonly object Bargain = new
    {
        Id = 3, Kind = "bargain", State = "settled", Starter = "@a", Product = "有机甘栗仁", List = "¥12.90", Floor = "¥7.92", Price = "¥7.92", Cut = "¥4.98",
        Count = 2, Helpers = 2, More = 0, Deadline = "12-03 20:00", Late = false, SeedHash = "ab12", Seed = "cd34", Final = "¥7.92", Coupon = "KJ3-A1B2C3",
        Floored = true, Cuts = new[] { new { Name = "@b", Amount = "¥2.00", Order = 1 } },
    };

    public static object? For(string name) => name switch
    {
        "checkin" => new { Name = "@a", Done = true, Points = 6, Streak = 2, Days = 9, Total = 120, Tomorrow = 7 },
        "bargain_notice" => new { Code = "bargain_cut", Value = "¥1.00", More = "¥9.90" },
        "bargain_message" or "bargain_result" => Bargain,
        "team" => new { Name = "@a", Leader = "@b", Count = 2, Names = new List<string> { "@c", "@d" }, More = 0, Month = "2026-12", TeamSales = "¥100.00",
            Override = "¥3.00", Set = false },
        "level_review" => new { Month = "2026-11", Count = 1, Changes = new[] { new { Name = "@a", From = "中级", To = "初级", Sales = "¥50.00", Keep = "¥500.00" } },
            More = 0 },
        "commerce_notice" => new { Code = "share_form", Value = "x", More = "chestnut / walnut" },
        "share_kit" => new { Name = "有机甘栗仁", Price = "¥9.90", ListPrice = "¥12.90", Copy = new List<string> { "好吃" }, Link = "https://shop.example.com/p/chestnut?ref=7K3M9QXA",
            Code = "7K3M9QXA" },
        _ => null,
    };
}
