using ScottPlot;
using SkiaSharp;

namespace CloudXpcs.Reporting.Figures;

/// <summary>
/// Draws a <see cref="Figure"/> into a PNG with ScottPlot. A figure with an inset becomes a wider image: the main
/// plot on the left and the inset plot beside it, so that the inset never hides data.
/// </summary>
public static class FigureRenderer
{
    public const int Width = 820, Height = 500;
    public const int InsetWidth = 340, InsetHeight = 300;

    public static void WritePng(Figure figure, string path)
    {
        byte[] main = RenderPng(figure, Width, Height);
        if (figure.Inset is null)
        {
            File.WriteAllBytes(path, main);
            return;
        }
        byte[] inset = RenderPng(figure.Inset, InsetWidth, InsetHeight);
        using var surface = SKSurface.Create(new SKImageInfo(Width + InsetWidth, Height));
        surface.Canvas.Clear(SKColors.White);
        using (var mainBitmap = SKBitmap.Decode(main)) surface.Canvas.DrawBitmap(mainBitmap, 0, 0);
        using (var insetBitmap = SKBitmap.Decode(inset)) surface.Canvas.DrawBitmap(insetBitmap, Width, (Height - InsetHeight) / 2f);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    public static byte[] RenderPng(Figure figure, int width, int height)
    {
        using var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int orderedCount = figure.Traces.Count == 0 ? 1 : figure.Traces.Max(t => t.ColorIndex) + 1;
        int legendEntries = 0;
        // Model lines first, so that measured points are drawn on top of the predictions; reference lines (dashed)
        // last and in black, so that a model that runs along them does not hide them.
        foreach (var trace in figure.Traces.OrderBy(t => t.Style switch { TraceStyle.Line => 0, TraceStyle.Points => 1, _ => 2 }))
        {
            var (x, y, err) = Finite(trace, figure.LogX);
            if (x.Length == 0) continue;
            var colour = trace.Style == TraceStyle.Dashed ? Colors.Black
                : figure.Colours == ColourScale.Ordered ? OrderedColour(trace.ColorIndex, orderedCount)
                : palette.GetColor(trace.ColorIndex);
            if (trace.Style == TraceStyle.Points && err is not null && err.Any(e => e > 0))
            {
                var bars = plot.Add.ErrorBar(x, y, err);
                bars.Color = colour;
            }
            var scatter = plot.Add.Scatter(x, y, colour);
            if (trace.Style == TraceStyle.Points)
            {
                scatter.LineWidth = 0;
                scatter.MarkerSize = 6;
                if (figure.Colours == ColourScale.Ordered) scatter.MarkerShape = OrderedMarkers[trace.ColorIndex % OrderedMarkers.Length];
            }
            else
            {
                scatter.MarkerSize = 0;
                scatter.LineWidth = 2;
                if (trace.Style == TraceStyle.Dashed) scatter.LinePattern = LinePattern.Dashed;
            }
            if (trace.Label is not null)
            {
                scatter.LegendText = trace.Label;
                legendEntries++;
            }
        }
        if (figure.Image is { } image) AddImage(plot, image);
        plot.Title(figure.Title);
        plot.XLabel(figure.XLabel);
        plot.YLabel(figure.YLabel);
        if (figure.LogX)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = exponent => Math.Pow(10, exponent).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        // Beside the plot (below a narrow inset), never over data.
        if (legendEntries > 0) plot.ShowLegend(width < 500 ? Edge.Bottom : Edge.Right);
        if (figure.XLimits is { } xl) plot.Axes.SetLimitsX(figure.LogX ? Math.Log10(xl.Min) : xl.Min, figure.LogX ? Math.Log10(xl.Max) : xl.Max);
        if (figure.YLimits is { } yl) plot.Axes.SetLimitsY(yl.Min, yl.Max);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    private static void AddImage(Plot plot, FigureImage image)
    {
        // ScottPlot draws row 0 of a heat map at the top; the image's row 0 is the bottom (t1 = 0).
        var values = new double[image.Rows, image.Cols];
        for (int r = 0; r < image.Rows; r++)
            for (int c = 0; c < image.Cols; c++) values[image.Rows - 1 - r, c] = image.Values[r * image.Cols + c];
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Extent = new CoordinateRect(0, image.ExtentX, 0, image.ExtentY);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = image.ColourLabel;
    }

    private static readonly MarkerShape[] OrderedMarkers = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp];

    /// <summary>Colour <paramref name="index"/> of <paramref name="count"/> ordered ones, evenly spread over Turbo's range without its near-black ends.</summary>
    public static Color OrderedColour(int index, int count)
    {
        double fraction = count <= 1 ? 0.5 : 0.08 + 0.84 * index / (count - 1);
        return new ScottPlot.Colormaps.Turbo().GetColor(fraction);
    }

    /// <summary>The finite points of a trace (positive x only on a log axis, which gets log10 x).</summary>
    private static (double[] X, double[] Y, double[]? Err) Finite(Trace trace, bool logX)
    {
        var keep = Enumerable.Range(0, trace.Count)
            .Where(i => double.IsFinite(trace.X[i]) && double.IsFinite(trace.Y[i]) && (!logX || trace.X[i] > 0)).ToArray();
        double[] x = keep.Select(i => logX ? Math.Log10(trace.X[i]) : trace.X[i]).ToArray();
        double[] y = keep.Select(i => trace.Y[i]).ToArray();
        double[]? err = trace.YErr is null ? null : keep.Select(i => double.IsFinite(trace.YErr[i]) ? trace.YErr[i] : 0).ToArray();
        return (x, y, err);
    }
}
