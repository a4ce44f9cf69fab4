namespace CloudXpcs.Science.Continuum;

/// <summary>
/// Collects the requested outputs: the BDF2 solution is interpolated to each output time with the quadratic through
/// the last three accepted states (weights sum to one, so the interpolated profile conserves salt too).
/// </summary>
internal sealed class CellOutputRecorder
{
    private const double FaradayCPerMol = CellEquations.FaradayCPerMol;

    private readonly CellSimulationSpec _spec;
    private readonly CellEquations _eq;
    private readonly double[] _times;
    private readonly double[] _current, _voltage;
    private readonly double[][] _concentration;
    private readonly double[][] _solventLab, _anionSolventFrame;
    private readonly double[] _positionX;
    private readonly double[] _nodeX, _nodeC, _faceFlux, _interpolated;
    private readonly double _axisSign;
    private int _next;

    public CellOutputRecorder(CellSimulationSpec spec, CellEquations eq, double[] outputTimesS)
    {
        _spec = spec;
        _eq = eq;
        _times = outputTimesS;
        int n = eq.CellCount, m = outputTimesS.Length, p = spec.PositionsMm.Count;
        _current = new double[m];
        _voltage = new double[m];
        _concentration = new double[m][];
        _solventLab = Enumerable.Range(0, p).Select(_ => new double[m]).ToArray();
        _anionSolventFrame = Enumerable.Range(0, p).Select(_ => new double[m]).ToArray();
        // Position axis (mm from the cell centre): position = −side·(x − L/2), so the model's x = 0 (stripping
        // electrode) sits at side·L/2, and velocities along +x are multiplied by −side as well.
        _axisSign = -spec.StrippingElectrodeSide;
        double half = 0.5 * spec.LengthM;
        _positionX = spec.PositionsMm.Select(mm => half + _axisSign * mm * 1e-3).ToArray();
        _nodeX = [0, .. eq.Grid.CentresM, spec.LengthM];
        _nodeC = new double[n + 2];
        _faceFlux = new double[n + 1];
        _interpolated = new double[n];
    }

    public void RecordInitial(double[] c, double physicalStartCurrent)
    {
        if (_next < _times.Length && _times[_next] == 0) Record(c, physicalStartCurrent, atStart: true);
    }

    public void RecordStep(double[] t, double[][] c, double[] i, int count)
    {
        Span<double> w = stackalloc double[3];
        while (_next < _times.Length && _times[_next] <= t[0] * (1 + 1e-14))
        {
            double tau = Math.Min(_times[_next], t[0]);
            for (int a = 0; a < count; a++)
            {
                double wa = 1;
                for (int b = 0; b < count; b++) if (b != a) wa *= (tau - t[b]) / (t[a] - t[b]);
                w[a] = wa;
            }
            double current = 0;
            for (int j = 0; j < _interpolated.Length; j++)
            {
                double s = 0;
                for (int a = 0; a < count; a++) s += w[a] * c[a][j];
                _interpolated[j] = s;
            }
            for (int a = 0; a < count; a++) current += w[a] * i[a];
            Record(_interpolated, current, atStart: false);
        }
    }

    private void Record(double[] c, double current, bool atStart)
    {
        int k = _next++;
        _current[k] = current;
        _voltage[k] = atStart ? _eq.UniformCellVoltage(c[0], current, out _) : _eq.CellVoltage(c, current);
        _concentration[k] = _axisSign > 0 ? (double[])c.Clone() : c.Reverse().ToArray();

        int n = c.Length;
        // At t = 0 the profile is uniform and the boundary layer has zero thickness: J₋ is −(1 − t₊⁰)i/F everywhere inside.
        _eq.AnionSolventFrameFlux(c, current, _faceFlux);
        _eq.WallConcentrations(c, current, out double w0, out double wl);
        _nodeC[0] = atStart ? c[0] : w0;
        c.CopyTo(_nodeC, 1);
        _nodeC[n + 1] = atStart ? c[n - 1] : wl;
        double interfaceVelocity = -current * _spec.LiMolarVolumeM3PerMol / FaradayCPerMol;
        for (int p = 0; p < _positionX.Length; p++)
        {
            double x = _positionX[p];
            double flux = LinearInterpolation.At(_eq.Grid.FacesM, _faceFlux, x);
            if (atStart && x > 0 && x < _spec.LengthM) flux = _faceFlux[Math.Clamp(FaceIndexInside(x), 1, n - 1)];
            double conc = LinearInterpolation.At(_nodeX, _nodeC, x);
            double solventInterfaceFrame = -_eq.SaltPartialMolarVolumeM3PerMol * flux;
            _solventLab[p][k] = _axisSign * (solventInterfaceFrame + interfaceVelocity);
            _anionSolventFrame[p][k] = _axisSign * flux / conc;
        }
    }

    private int FaceIndexInside(double x)
    {
        int f = Array.BinarySearch(_eq.Grid.FacesM, x);
        return f >= 0 ? f : ~f;
    }

    public CellSimulationResult ToResult(ContinuumCellSolver.RunStatistics stats)
    {
        var set = _spec.Transport;
        var warnings = new List<string>();
        if (stats.MinConcentration < set.MinConcentrationMolPerM3 || stats.MaxConcentration > set.MaxConcentrationMolPerM3)
            warnings.Add($"concentration spanned {stats.MinConcentration / 1000:F3}-{stats.MaxConcentration / 1000:F3} M, beyond the " +
                         $"{set.MinConcentrationMolPerM3 / 1000:F3}-{set.MaxConcentrationMolPerM3 / 1000:F3} M range of set '{set.Name}': " +
                         "properties were held at their end values outside it");
        double half = 0.5 * _spec.LengthM;
        var cellPositions = _eq.Grid.CentresM.Select(x => _axisSign * (x - half) * 1e3).ToArray();
        if (_axisSign < 0) Array.Reverse(cellPositions);
        return new CellSimulationResult
        {
            TransportSetName = set.Name,
            ThermodynamicFactor = set.ThermodynamicFactorStatement(),
            TransportCaveats = set.Caveats,
            TimesS = _times,
            CurrentDensityAPerM2 = _current,
            VoltageV = _voltage,
            CellPositionsMm = cellPositions,
            ConcentrationMolPerM3 = _concentration,
            PositionsMm = _spec.PositionsMm.ToArray(),
            SolventVelocityLabMPerS = _solventLab,
            AnionVelocitySolventFrameMPerS = _anionSolventFrame,
            CellCount = _eq.CellCount,
            AcceptedSteps = stats.Accepted,
            RejectedSteps = stats.Rejected,
            NewtonIterations = stats.NewtonIterations,
            MaxRelativeSaltDrift = stats.MaxRelativeSaltDrift,
            Warnings = warnings,
        };
    }
}
