using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GroupBot.Commerce;

public sealed record ImportProblem(int Line, string Message);

public sealed class ImportReport
{
    public int Rows { get; set; }
    public int Credited { get; set; }
    public int Reversed { get; set; }
    public int RefundsWithoutSale { get; set; }
    public int Duplicates { get; set; }
    public long CreditedFen { get; set; }
    public long ReversedFen { get; set; }
    public List<ImportProblem> Problems { get; } = [];
    /// <summary>A problem with the file as a whole (no header, a missing column): nothing was imported.</summary>
    public string? FileError { get; set; }

    public IEnumerable<string> Lines()
    {
        if (FileError is not null)
        {
            yield return $"error: {FileError}; nothing imported";
            yield break;
        }
        yield return $"{Rows} rows: {Credited} sales credited ({Money.Format(CreditedFen)}), {Reversed} refunds reversed ({Money.Format(ReversedFen)}), "
            + $"{RefundsWithoutSale} refunds of no imported sale, {Duplicates} already imported, {Problems.Count} skipped";
        foreach (var p in Problems) yield return $"line {p.Line}: {p.Message}";
    }
}

/// <summary>
/// Reads a shop's order export (CSV, UTF-8 with or without BOM, quoted fields, CRLF) and writes it through
/// <see cref="Orders"/> in the caller's unit. A bad row is reported with its line number and skipped; the rest goes in.
/// Importing the same file again changes nothing (orders are keyed by their id).
/// </summary>
public sealed class OrderImport(Orders orders, DistributorCodes codes, TimeProvider time)
{
    public const int MaxProblemText = 80;
    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd", "yyyy/M/d H:mm:ss", "yyyy/M/d H:mm", "yyyy/M/d", "yyyy-MM-ddTHH:mm:ss",
        "yyyy-M-d H:mm:ss", "yyyy-M-d H:mm", "yyyy年M月d日 H:mm:ss", "yyyy年M月d日 H:mm", "yyyy年M月d日",
    ];

    /// <summary>
    /// A file's text: UTF-8 (with or without BOM), else GB18030 — what Excel and many Chinese shop systems save a CSV as.
    /// </summary>
    public static string ReadText(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding("GB18030").GetString(bytes);
        }
    }

    public ImportReport Import(string text, OrderColumns columns, TimeZoneInfo zone)
    {
        var report = new ImportReport();
        var records = Csv.Parse(text.TrimStart('\uFEFF'));
        if (records.Count == 0)
        {
            report.FileError = "the file is empty";
            return report;
        }
        var header = records[0].Fields.Select(h => TextWidth.Fold(h).Trim().Trim('\uFEFF')).ToList();
        int Column(string name) => header.FindIndex(h => string.Equals(h, name.Trim(), StringComparison.OrdinalIgnoreCase));
        var (id, code, amount, at, status) = (Column(columns.OrderId), Column(columns.Code), Column(columns.Amount), Column(columns.Time), Column(columns.Status));
        var missing = new[] { (id, columns.OrderId), (code, columns.Code), (amount, columns.Amount), (at, columns.Time), (status, columns.Status) }
            .Where(c => c.Item1 < 0).Select(c => c.Item2).ToList();
        if (missing.Count > 0)
        {
            report.FileError = $"no column {string.Join(", ", missing.Select(m => $"'{m}'"))} in the header (Commerce:OrderColumns names them)";
            return report;
        }
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var record in records.Skip(1))
        {
            if (record.Fields.All(f => f.Trim().Length == 0)) continue;
            report.Rows++;
            string Field(int i) => i < record.Fields.Count ? record.Fields[i] : "";
            var problem = Row(Field(id), Field(code), Field(amount), Field(at), Field(status), columns, zone, now, report);
            if (problem is not null) report.Problems.Add(new ImportProblem(record.Line, problem));
        }
        return report;
    }

    /// <summary>One row; null when it went in (or was a repeat), else what is wrong with it.</summary>
    private string? Row(string idText, string codeText, string amountText, string timeText, string statusText, OrderColumns columns, TimeZoneInfo zone,
        DateTime now, ImportReport report)
    {
        var orderId = TextWidth.Fold(idText).Trim();
        if (orderId.Length == 0) return "no order id";
        if (orderId.Length > 64 || orderId.Any(char.IsControl)) return $"order id '{Cut(orderId)}' is not an order id";
        var statusFolded = TextWidth.Fold(statusText).Trim();
        var paid = columns.Paid.Any(s => string.Equals(s, statusFolded, StringComparison.OrdinalIgnoreCase));
        var refunded = columns.Refunded.Any(s => string.Equals(s, statusFolded, StringComparison.OrdinalIgnoreCase));
        if (!paid && !refunded) return $"order {Cut(orderId)}: status '{Cut(statusText)}' is neither paid ({string.Join("/", columns.Paid)}) nor refunded ({string.Join("/", columns.Refunded)})";
        if (ParseAmount(amountText) is not { } fen) return $"order {Cut(orderId)}: '{Cut(amountText)}' is not an amount";
        if (ParseTime(timeText, zone) is not { } utc) return $"order {Cut(orderId)}: '{Cut(timeText)}' is not a time (e.g. 2026-12-01 10:30)";
        var code = DistributorCodes.Normalize(codeText);
        if ((code is null ? null : codes.OwnerOf(code)) is not { } userId) return $"order {Cut(orderId)}: unknown distributor code '{Cut(codeText)}'";
        var outcome = paid ? orders.Paid(orderId, code!, userId, fen, utc, now, zone) : orders.Refunded(orderId, code!, userId, fen, utc, now, zone);
        switch (outcome)
        {
            case OrderOutcome.Credited: report.Credited++; report.CreditedFen += fen; break;
            case OrderOutcome.Reversed: report.Reversed++; report.ReversedFen += orders.Find(orderId)!.AmountFen; break;
            case OrderOutcome.RefundRecorded: report.RefundsWithoutSale++; break;
            case OrderOutcome.Duplicate: report.Duplicates++; break;
            case OrderOutcome.Conflict: return $"order {Cut(orderId)} was imported before with another amount or distributor; not changed";
        }
        return null;
    }

    private static string Cut(string s)
    {
        var flat = new string(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return flat.Length <= MaxProblemText ? flat : flat[..MaxProblemText] + "…";
    }

    /// <summary>An amount as shops write it: ¥1,299.00, "1299", full-width １２９９．００, 1299元. Zero and negatives are not sales.</summary>
    public static long? ParseAmount(string text)
    {
        var s = TextWidth.Fold(text).Trim().Replace("￥", "¥");
        // Thousands separators only where they are separators (1,299.00), so "12,99" is not read as 1299.
        if (Regex.IsMatch(s, @"^¥?\s*\d{1,3}(,\d{3})+(\.\d+)?\s*(元)?$")) s = s.Replace(",", "");
        return Money.TryParse(s, out var fen) && fen > 0 ? fen : null;
    }

    /// <summary>A time as shops write it, in the bot's zone unless it carries an offset (2026-12-01T10:30:00+08:00).</summary>
    public static DateTime? ParseTime(string text, TimeZoneInfo zone)
    {
        var s = TextWidth.Fold(text).Trim();
        if (s.Length == 0) return null;
        if ((s.Contains('+') || s.EndsWith('Z') || Regex.IsMatch(s, @"T.*-\d\d:?\d\d$"))
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset)) return withOffset.UtcDateTime;
        if (!DateTime.TryParseExact(s, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local)) return null;
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return zone.IsInvalidTime(unspecified) ? null : TimeZoneInfo.ConvertTimeToUtc(unspecified, zone);
    }
}

/// <summary>RFC 4180 CSV with the usual liberties (CRLF or LF, a lone quote inside an unquoted field kept as text).</summary>
public static class Csv
{
    public sealed record Record(int Line, List<string> Fields);

    public static List<Record> Parse(string text)
    {
        var records = new List<Record>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var start = 1;
        var quoted = false;
        var wasQuoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0 && !wasQuoted:
                    quoted = wasQuoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    records.Add(new Record(start, [.. fields]));
                    fields.Clear();
                    field.Clear();
                    wasQuoted = false;
                    start = ++line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (field.Length > 0 || fields.Count > 0 || wasQuoted)
        {
            fields.Add(field.ToString());
            records.Add(new Record(start, [.. fields]));
        }
        return records;
    }
}
