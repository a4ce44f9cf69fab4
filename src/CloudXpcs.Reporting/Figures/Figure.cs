namespace CloudXpcs.Reporting.Figures;

/// <summary>How a trace is drawn.</summary>
public enum TraceStyle
{
    /// <summary>Markers only, with vertical error bars when the trace has errors.</summary>
    Points,
    /// <summary>A solid line through the points (a model or prediction).</summary>
    Line,
    /// <summary>A dashed line (a reference such as ratio = 1).</summary>
    Dashed,
}

/// <summary>
/// One data series of a figure. <paramref name="ColorIndex"/> picks the palette colour, so that a transport set or a
/// χ bin keeps its colour between its points and its model line. A null label keeps the trace out of the legend.
/// </summary>
public sealed record Trace(string? Label, double[] X, double[] Y, TraceStyle Style, int ColorIndex, double[]? YErr = null)
{
    public int Count => X.Length;
}

/// <summary>
/// What one figure shows, independent of how it is drawn: file name (relative to report/), title, axis labels,
/// traces, an optional inset drawn in the upper right corner, the caption under it in the HTML, and optional axis
/// limits (data outside them is cut off; null = fitted to the data).
/// </summary>
public sealed record Figure(
    string FileName,
    string Title,
    string XLabel,
    string YLabel,
    IReadOnlyList<Trace> Traces,
    string Caption,
    bool LogX = false,
    Figure? Inset = null,
    (double Min, double Max)? XLimits = null,
    (double Min, double Max)? YLimits = null,
    ColourScale Colours = ColourScale.Categorical,
    FigureImage? Image = null)
{
    public int PointCount => Traces.Sum(t => t.Count) + (Inset?.PointCount ?? 0);
}

/// <summary>
/// How <see cref="Trace.ColorIndex"/> picks a colour. Categorical: a qualitative palette, for unordered things
/// (transport sets, series, χ bins). Ordered: an ordered quantity such as q, drawn from a perceptually ordered map
/// spread over the whole range, with neighbours also alternating marker shape, so that adjacent q stay apart.
/// </summary>
public enum ColourScale { Categorical, Ordered }

/// <summary>
/// A square image drawn as a heat map over [0, ExtentX] × [0, ExtentY] (a two-time map), row-major, row 0 at the bottom.
/// </summary>
public sealed record FigureImage(double[] Values, int Rows, int Cols, double ExtentX, double ExtentY, string ColourLabel);

/// <summary>A titled part of the report: its figures and, when it has none, why.</summary>
public sealed record FigureSection(string Id, string Title, IReadOnlyList<Figure> Figures, string? Missing = null);
