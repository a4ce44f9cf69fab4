using System.Net;
using System.Text;

namespace CloudXpcs.Reporting.Html;

/// <summary>Minimal HTML writing: every text goes through <see cref="WebUtility.HtmlEncode"/>.</summary>
internal sealed class HtmlBuilder
{
    private readonly StringBuilder _html = new();

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    public HtmlBuilder Raw(string html) { _html.Append(html); return this; }

    public HtmlBuilder Element(string tag, string text, string? attributes = null)
    {
        _html.Append('<').Append(tag);
        if (attributes is not null) _html.Append(' ').Append(attributes);
        _html.Append('>').Append(Encode(text)).Append("</").Append(tag).Append(">\n");
        return this;
    }

    public HtmlBuilder Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _html.Append("<table>\n<thead><tr>");
        foreach (var h in header) _html.Append("<th>").Append(Encode(h)).Append("</th>");
        _html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            _html.Append("<tr>");
            foreach (var cell in row) _html.Append("<td>").Append(Encode(cell)).Append("</td>");
            _html.Append("</tr>\n");
        }
        _html.Append("</tbody>\n</table>\n");
        return this;
    }

    /// <summary>Name → value pairs as a two-column table.</summary>
    public HtmlBuilder Pairs(IEnumerable<(string Name, string Value)> pairs) =>
        Table(["", ""], pairs.Select(p => (IReadOnlyList<string>)[p.Name, p.Value]));

    public override string ToString() => _html.ToString();
}
