using System.Text;

namespace GroupBot.Text;

/// <summary>Folding the widths people type: full-width digits and letters (Chinese keyboards) read as ASCII.</summary>
public static class TextWidth
{
    /// <summary>NFKC folds full-width digits, letters and punctuation into ASCII. Broken UTF-16 is left as it is.</summary>
    public static string Fold(string s)
    {
        try
        {
            return s.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return s;
        }
    }
}
