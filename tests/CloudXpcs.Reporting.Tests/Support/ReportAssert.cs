using System.Text.RegularExpressions;
using SkiaSharp;

namespace CloudXpcs.Reporting.Tests.Support;

public static partial class ReportAssert
{
    [GeneratedRegex("(?:src|href)=\"([^\"]*)\"")]
    private static partial Regex LinkPattern();

    /// <summary>Every src/href of the page, decoded.</summary>
    public static IReadOnlyList<string> Links(string html) =>
        LinkPattern().Matches(html).Select(m => Uri.UnescapeDataString(System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))).ToList();

    /// <summary>The page references no external resource and every local link resolves to a file (or an anchor of the page).</summary>
    public static void SelfContained(string indexPath)
    {
        string html = File.ReadAllText(indexPath);
        Assert.DoesNotMatch("(?i)https?://", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        string folder = Path.GetDirectoryName(indexPath)!;
        foreach (string link in Links(html))
        {
            if (link.StartsWith('#'))
            {
                Assert.Contains($"id=\"{link[1..]}\"", html);
                continue;
            }
            Assert.True(File.Exists(Path.Combine(folder, link)), $"{indexPath}: link '{link}' does not resolve");
        }
    }

    /// <summary>A decodable PNG of the expected size that is not a single colour.</summary>
    public static void DrawnPng(string path, int width, int height)
    {
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        var colours = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y += 7)
            for (int x = 0; x < bitmap.Width; x += 7)
                colours.Add(bitmap.GetPixel(x, y));
        Assert.True(colours.Count > 5, $"{path}: only {colours.Count} colours");
    }
}
