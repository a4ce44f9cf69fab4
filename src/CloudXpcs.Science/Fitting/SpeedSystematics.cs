using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The series speed's error in parts (Å/s, 1σ): statistical (the fit's), and systematic: one term per q-calibration
/// input (distance, energy, pixel size, beam centre with row and column combined) and a model floor. Terms are
/// independent and add in quadrature.
/// </summary>
public sealed record SpeedErrorBudget(double StatAPerS, double DistanceAPerS, double EnergyAPerS, double PixelSizeAPerS,
    double BeamCenterAPerS, double ModelFloorAPerS)
{
    public double SystematicAPerS => Math.Sqrt(DistanceAPerS * DistanceAPerS + EnergyAPerS * EnergyAPerS + PixelSizeAPerS * PixelSizeAPerS
                                               + BeamCenterAPerS * BeamCenterAPerS + ModelFloorAPerS * ModelFloorAPerS);

    public double TotalAPerS => Math.Sqrt(StatAPerS * StatAPerS + SystematicAPerS * SystematicAPerS);
}

/// <summary>
/// Systematic errors of the series speed from the q calibration. The speed is the weighted least-squares slope of ω
/// against u = q·|cos χ| over the bins used, v = Σ ω u/σ² / Σ u²/σ²; ω is what the detector measured, so with the
/// true geometry differing from the stated one by δg every bin's true u changes by δu_b and the speed by
/// δv/v = Σ u_b δu_b/σ_b² / Σ u_b²/σ_b². The δu_b are computed by re-evaluating u over each bin's own pixels (as the
/// correlator assigned them with the stated geometry) with one input moved by its 1σ uncertainty (central difference):
/// distance, energy and pixel size scale every q together and give |δv/v| ≈ their relative uncertainty; a beam-centre
/// shift moves q and χ differently in every bin and partly cancels over a full ring, not over a partial one.
/// </summary>
public static class SpeedSystematics
{
    /// <summary>
    /// Relative floor for what the heterodyne model leaves out (bin averaging with finitely many nodes, the envelope's
    /// shape, one uniform speed in the scattering volume): 1.5 times the largest relative error (0.2 %) seen on series
    /// of an independent simulator with exact geometry (issue #20 audit, DATA_CONTRACT extensions).
    /// </summary>
    public const double ModelFloorRel = 3e-3;

    /// <summary>One pixel (or sample point) of a bin: detector coordinates and its weight in the bin's g2.</summary>
    private readonly record struct Point(double Row, double Col, double Weight);

    /// <param name="map">The series' q-map (pixels of each bin); null: sample points uniform over each bin's q and χ widths.</param>
    public static SpeedErrorBudget Budget(VelocityResult velocity, IReadOnlyList<BinFit> bins, DetectorGeometry geometry, double flowAxisDeg,
        CalibrationUncertainty uncertainty, QMap? map = null, double qWidthInvA = 0, double chiWidthDeg = 0, double modelFloorRel = ModelFloorRel)
    {
        if (velocity is not { Resolvable: true, SpeedAPerS: { } speed, SpeedErrAPerS: { } stat })
            throw new ArgumentException("the speed must be resolvable");
        var used = bins.Where(b => b.UsedForSpeed && b.StandardErrors is { OmegaRadPerS: > 0 } && b.ProjectedQInvA > 0).ToList();
        var points = map is not null ? PixelPoints(map, used) : used.Select(b => CentrePoints(b, geometry, flowAxisDeg, qWidthInvA, chiWidthDeg)).ToList();
        var weights = used.Select(b => 1.0 / (b.StandardErrors!.Value.OmegaRadPerS * b.StandardErrors.Value.OmegaRadPerS)).ToArray();
        var nominal = points.Select(p => ProjectedQ(p, geometry, flowAxisDeg)).ToArray();

        double Relative(Func<double, DetectorGeometry> moved)
        {
            if (used.Count == 0) return 0;
            var plus = moved(+1);
            var minus = moved(-1);
            double numerator = 0, denominator = 0;
            for (int i = 0; i < used.Count; i++)
            {
                double du = 0.5 * (ProjectedQ(points[i], plus, flowAxisDeg) - ProjectedQ(points[i], minus, flowAxisDeg));
                numerator += weights[i] * nominal[i] * du;
                denominator += weights[i] * nominal[i] * nominal[i];
            }
            return denominator > 0 ? Math.Abs(numerator / denominator) : 0;
        }

        double v = Math.Abs(speed);
        double distance = Relative(s => geometry with { DistanceM = geometry.DistanceM + s * uncertainty.DistanceErrM });
        double energy = Relative(s => geometry with { EnergyKeV = geometry.EnergyKeV + s * uncertainty.EnergyErrKeV });
        double pixel = Relative(s => geometry with { PixelSizeM = geometry.PixelSizeM + s * uncertainty.PixelSizeErrM });
        double row = Relative(s => geometry with { BeamCenterRow = geometry.BeamCenterRow + s * uncertainty.BeamCenterErrPx });
        double col = Relative(s => geometry with { BeamCenterCol = geometry.BeamCenterCol + s * uncertainty.BeamCenterErrPx });
        return new SpeedErrorBudget(stat, v * distance, v * energy, v * pixel, v * Math.Sqrt(row * row + col * col), v * modelFloorRel);
    }

    /// <summary>u = q·|cos χ| averaged over the points with their weights, for the geometry given (DATA_CONTRACT section 2).</summary>
    private static double ProjectedQ(IReadOnlyList<Point> points, DetectorGeometry g, double flowAxisDeg)
    {
        double sum = 0, total = 0;
        double k = 4.0 * Math.PI / g.WavelengthA;
        foreach (var p in points)
        {
            double dr = (p.Row - g.BeamCenterRow) * g.PixelSizeM, dc = (p.Col - g.BeamCenterCol) * g.PixelSizeM;
            double q = k * Math.Sin(0.5 * Math.Atan(Math.Sqrt(dr * dr + dc * dc) / g.DistanceM));
            double chi = Math.Atan2(dr, dc) - flowAxisDeg * Math.PI / 180.0;
            sum += p.Weight * q * Math.Abs(Math.Cos(chi));
            total += p.Weight;
        }
        return total > 0 ? sum / total : 0;
    }

    /// <summary>The pixels of each used bin, weighted 1/(pixels of their static bin) as the bin's g2 weighs them.</summary>
    private static List<IReadOnlyList<Point>> PixelPoints(QMap map, IReadOnlyList<BinFit> used)
    {
        var index = new Dictionary<int, int>();
        var lists = new List<IReadOnlyList<Point>>();
        foreach (var b in used) { index[b.Bin] = lists.Count; lists.Add(new List<Point>()); }
        var g = map.Geometry;
        for (int row = 0; row < g.Rows; row++)
        for (int col = 0; col < g.Cols; col++)
        {
            int p = row * g.Cols + col;
            if (map.DynamicBinOfPixel[p] is var bin && bin >= 0 && index.TryGetValue(bin, out int i))
                ((List<Point>)lists[i]).Add(new Point(row, col, 1.0 / map.StaticPixelCounts[map.StaticBinOfPixel[p]]));
        }
        return lists;
    }

    /// <summary>Points uniform over a bin's q and χ widths (8 × 16), placed on the detector of the stated geometry.</summary>
    private static IReadOnlyList<Point> CentrePoints(BinFit bin, DetectorGeometry g, double flowAxisDeg, double qWidthInvA, double chiWidthDeg)
    {
        var points = new List<Point>();
        int nq = qWidthInvA > 0 ? 8 : 1, nc = chiWidthDeg > 0 ? 16 : 1;
        for (int i = 0; i < nq; i++)
        for (int j = 0; j < nc; j++)
        {
            double q = bin.QInvA + ((i + 0.5) / nq - 0.5) * qWidthInvA;
            double phi = (bin.ChiDeg + ((j + 0.5) / nc - 0.5) * chiWidthDeg + flowAxisDeg) * Math.PI / 180.0;
            double sinTheta = q * g.WavelengthA / (4.0 * Math.PI);
            if (!(sinTheta is > 0 and < 1)) continue;
            double radiusM = g.DistanceM * Math.Tan(2.0 * Math.Asin(sinTheta));
            points.Add(new Point(g.BeamCenterRow + radiusM * Math.Sin(phi) / g.PixelSizeM, g.BeamCenterCol + radiusM * Math.Cos(phi) / g.PixelSizeM, 1.0));
        }
        return points;
    }
}
