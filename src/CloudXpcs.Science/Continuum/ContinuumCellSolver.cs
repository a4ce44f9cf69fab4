namespace CloudXpcs.Science.Continuum;

/// <summary>
/// Li | polymer electrolyte | Li cell under constant voltage or current (Newman concentrated-solution theory,
/// CONTINUUM_MODEL_NOTES §1): finite volumes in space, variable-step BDF2 in time with the current as an algebraic
/// unknown solved together with c by Newton's method on a bordered tridiagonal Jacobian. Steps are controlled by the
/// BDF2 local truncation error estimated from the third divided difference of the solution history.
/// </summary>
public static class ContinuumCellSolver
{
    private const int MaxNewtonIterations = 8;
    private const double NewtonTolerance = 0.1;   // Newton update ≤ this fraction of the local error tolerance
    private const double MaxStepGrowth = 2.0;     // < 1 + √2 keeps variable-step BDF2 zero-stable
    private const double MinStepShrink = 0.2;
    private const double Safety = 0.9;

    public static CellSimulationResult Simulate(CellSimulationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var outputTimes = Validate(spec);
        var grid = CellGrid.RefinedTowardsElectrodes(spec.LengthM, spec.CellCount, spec.GridRefinement);
        var equations = new CellEquations(grid, spec.Transport, spec.Drive, spec.TemperatureK,
            spec.InterfacialResistanceOhmM2 ?? spec.Transport.InterfacialResistanceOhmM2, spec.ExchangeCurrentDensityAPerM2);
        var recorder = new CellOutputRecorder(spec, equations, outputTimes);
        var run = new Integration(spec, equations, recorder);
        run.Execute();
        return recorder.ToResult(run.Statistics);
    }

    private static double[] Validate(CellSimulationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec.Transport, nameof(spec.Transport));
        if (!(spec.LengthM > 0)) throw new ArgumentException($"cell length must be > 0, got {spec.LengthM} m");
        if (!(spec.TemperatureK > 0)) throw new ArgumentException($"temperature must be > 0 K, got {spec.TemperatureK}");
        if (!(spec.DurationS > 0)) throw new ArgumentException($"duration must be > 0, got {spec.DurationS} s");
        if (!(spec.InitialConcentrationMolPerM3 > 0)) throw new ArgumentException($"initial concentration must be > 0, got {spec.InitialConcentrationMolPerM3} mol/m3");
        if (!(spec.InitialConcentrationMolPerM3 * spec.Transport.SaltPartialMolarVolumeM3PerMol < 1))
            throw new ArgumentException("initial concentration times the salt partial molar volume must be < 1 (no room left for solvent)");
        if (spec.StrippingElectrodeSide is not (-1 or 1)) throw new ArgumentException($"stripping electrode side must be -1 or +1, got {spec.StrippingElectrodeSide}");
        if (!(spec.RelativeTolerance > 0 && spec.RelativeTolerance < 0.1)) throw new ArgumentException($"relative tolerance must be in (0, 0.1), got {spec.RelativeTolerance}");
        if (spec.InterfacialResistanceOhmM2 is double r && !(r >= 0)) throw new ArgumentException($"interfacial resistance must be >= 0, got {r} ohm m2");
        if (spec.ExchangeCurrentDensityAPerM2 is double i0 && !(i0 > 0)) throw new ArgumentException($"exchange current density must be > 0, got {i0} A/m2");
        switch (spec.Drive)
        {
            case ConstantVoltage v when !double.IsFinite(v.VoltageV): throw new ArgumentException("cell voltage must be finite");
            case ConstantCurrent c when !double.IsFinite(c.CurrentDensityAPerM2): throw new ArgumentException("current density must be finite");
            case null: throw new ArgumentException("cell drive is missing");
        }
        double halfLengthMm = 0.5 * spec.LengthM * 1e3;
        foreach (double p in spec.PositionsMm)
            if (!(Math.Abs(p) <= halfLengthMm))
                throw new ArgumentException($"position {p} mm is outside the cell (|position| <= {halfLengthMm} mm from the centre)");
        double[] times = spec.OutputTimesS?.ToArray() ?? CellSimulationSpec.EveryTenMinutesS(spec.DurationS);
        for (int k = 0; k < times.Length; k++)
        {
            if (!(times[k] >= 0 && times[k] <= spec.DurationS * (1 + 1e-12)))
                throw new ArgumentException($"output time {times[k]} s is outside [0, {spec.DurationS}] s");
            if (k > 0 && !(times[k] > times[k - 1])) throw new ArgumentException("output times must increase strictly");
        }
        return times;
    }

    internal readonly record struct RunStatistics(int Accepted, int Rejected, int NewtonIterations, double MaxRelativeSaltDrift,
                                                  double MinConcentration, double MaxConcentration);

    /// <summary>State and work arrays of one time integration.</summary>
    private sealed class Integration
    {
        private readonly CellSimulationSpec _spec;
        private readonly CellEquations _eq;
        private readonly CellOutputRecorder _recorder;
        private readonly int _n;
        // History ring of accepted states: slot 0 newest.
        private readonly double[][] _c = new double[3][];
        private readonly double[] _i = new double[3];
        private readonly double[] _t = new double[3];
        private int _historyCount;
        private readonly double[] _trial, _trialPrev, _historyTerm, _residual, _lower, _diag, _upper, _column, _row, _delta, _scratch;
        private readonly double _concentrationWeight;
        private readonly double _initialSalt;
        private double _currentScale;
        private double _trialCurrent;
        private int _accepted, _rejected, _newton;
        private double _maxDrift, _minC = double.PositiveInfinity, _maxC = double.NegativeInfinity;

        public Integration(CellSimulationSpec spec, CellEquations eq, CellOutputRecorder recorder)
        {
            _spec = spec; _eq = eq; _recorder = recorder; _n = eq.CellCount;
            for (int k = 0; k < 3; k++) _c[k] = new double[_n];
            _trial = new double[_n]; _trialPrev = new double[_n]; _historyTerm = new double[_n]; _residual = new double[_n];
            _lower = new double[_n]; _diag = new double[_n]; _upper = new double[_n]; _column = new double[_n];
            _row = new double[_n]; _delta = new double[_n]; _scratch = new double[3 * _n];
            _concentrationWeight = spec.RelativeTolerance * spec.InitialConcentrationMolPerM3;
            _initialSalt = spec.InitialConcentrationMolPerM3 * spec.LengthM;
        }

        public RunStatistics Statistics => new(_accepted, _rejected, _newton, _maxDrift, _minC, _maxC);

        public void Execute()
        {
            double c0 = _spec.InitialConcentrationMolPerM3;
            Array.Fill(_c[0], c0);
            double physicalStartCurrent = StartCurrent(c0);
            _i[0] = ConsistentCurrent(_c[0], physicalStartCurrent);
            _t[0] = 0;
            _historyCount = 1;
            _currentScale = Math.Max(Math.Abs(physicalStartCurrent), 1e-12);
            _recorder.RecordInitial(_c[0], physicalStartCurrent);

            double duration = _spec.DurationS;
            double dMean = _spec.Transport.DiffusivityM2PerS.ValueAt(c0);
            double hEdge = _eq.Grid.WidthsM[0];
            double h = Math.Min(1e-3 * hEdge * hEdge / dMean, 1e-6 * duration);
            double hMin = 1e-14 * duration;
            double hPrev = 0;

            while (_t[0] < duration * (1 - 1e-14))
            {
                if (_t[0] + h > duration) h = duration - _t[0];
                if (!TryStep(h, hPrev, out double error))
                {
                    _rejected++;
                    h *= 0.25;
                    if (h < hMin) throw Stalled();
                    continue;
                }
                if (error > 1)
                {
                    _rejected++;
                    h *= Math.Max(MinStepShrink, Safety * Math.Pow(error, -1.0 / 3));
                    if (h < hMin) throw Stalled();
                    continue;
                }
                Accept(h);
                hPrev = h;
                double growth = error > 0 ? Safety * Math.Pow(error, -1.0 / 3) : MaxStepGrowth;
                h *= Math.Clamp(growth, MinStepShrink, MaxStepGrowth);
            }
        }

        private Exception Stalled()
        {
            _eq.WallConcentrations(_c[0], _i[0], out double w0, out double wl);
            double lowest = Math.Min(_c[0].Min(), Math.Min(w0, wl));
            if (lowest < 0.05 * _spec.InitialConcentrationMolPerM3)
                return new DiffusionLimitedCurrentException(
                    $"salt concentration at an electrode reached {Math.Max(lowest, 0) / 1000:G3} M at t = {_t[0] / 60:F2} min: " +
                    $"the current ({_i[0] / 10:G4} mA/cm2) exceeds what diffusion can supply (diffusion-limited current)");
            return new InvalidOperationException($"time integration stalled at t = {_t[0] / 60:F3} min (Newton failed at the smallest step)");
        }

        private double StartCurrent(double c0)
        {
            if (_spec.Drive is ConstantCurrent cc) return cc.CurrentDensityAPerM2;
            double target = ((ConstantVoltage)_spec.Drive).VoltageV, i = 0;
            for (int it = 0; it < 50; it++)
            {
                double v = _eq.UniformCellVoltage(c0, i, out double slope);
                double step = (v - target) / slope;
                i -= step;
                if (Math.Abs(step) <= 1e-14 * Math.Abs(i)) break;
            }
            return i;
        }

        // The current that satisfies the discrete drive constraint for profile c (index-1 DAE: consistent start).
        private double ConsistentCurrent(double[] c, double guess)
        {
            double i = guess;
            for (int it = 0; it < 50; it++)
            {
                double g = _eq.DriveResidual(c, i, Span<double>.Empty, out double slope);
                if (!double.IsFinite(g)) throw new DiffusionLimitedCurrentException("the drive cannot be satisfied at t = 0: the electrode concentration would be negative");
                double step = g / slope;
                i -= step;
                if (Math.Abs(step) <= 1e-14 * Math.Max(Math.Abs(i), 1e-300)) break;
            }
            return i;
        }

        private bool TryStep(double h, double hPrev, out double error)
        {
            error = 0;
            double alpha0;
            if (_historyCount == 1)
            {
                alpha0 = 1 / h;
                for (int j = 0; j < _n; j++) _historyTerm[j] = -_c[0][j] / h;
            }
            else
            {
                double w = h / hPrev;
                alpha0 = (1 + 2 * w) / ((1 + w) * h);
                double a1 = -(1 + w) / h, a2 = w * w / ((1 + w) * h);
                for (int j = 0; j < _n; j++) _historyTerm[j] = a1 * _c[0][j] + a2 * _c[1][j];
            }
            double i = Predict(h, _trial);
            if (!Newton(_trial, ref i, alpha0)) return false;
            for (int j = 0; j < _n; j++) if (!(_trial[j] > 0)) return false;
            _eq.WallConcentrations(_trial, i, out double w0, out double wl);
            if (!(w0 > 0 && wl > 0)) return false;
            _trialCurrent = i;
            if (_historyCount >= 3) error = ErrorNorm(h);
            return true;
        }

        // Extrapolates the polynomial through the stored history to t + h (Newton's first iterate).
        private double Predict(double h, double[] c)
        {
            double tNew = _t[0] + h;
            Span<double> weights = stackalloc double[3];
            int m = _historyCount;
            for (int a = 0; a < m; a++)
            {
                double w = 1;
                for (int b = 0; b < m; b++) if (b != a) w *= (tNew - _t[b]) / (_t[a] - _t[b]);
                weights[a] = w;
            }
            double i = 0;
            for (int j = 0; j < _n; j++)
            {
                double s = 0;
                for (int a = 0; a < m; a++) s += weights[a] * _c[a][j];
                c[j] = s;
            }
            for (int a = 0; a < m; a++) i += weights[a] * _i[a];
            // A stiff start can extrapolate below zero; the previous state is then the better guess.
            for (int j = 0; j < _n; j++)
                if (!(c[j] > 0)) { Array.Copy(_c[0], c, _n); return _i[0]; }
            return i;
        }

        private bool Newton(double[] c, ref double i, double alpha0)
        {
            for (int it = 0; it < MaxNewtonIterations; it++)
            {
                _newton++;
                _eq.Assemble(c, i, alpha0, _historyTerm, _residual, out double g,
                             _lower, _diag, _upper, _column, _row, out double corner);
                if (!double.IsFinite(g) || !double.IsFinite(corner)) return false;
                for (int j = 0; j < _n; j++) _residual[j] = -_residual[j];
                if (!BorderedTridiagonal.Solve(_lower, _diag, _upper, _column, _row, corner, _residual, -g, _delta, out double di, _scratch))
                    return false;
                double size = Math.Abs(di) / (_spec.RelativeTolerance * Math.Max(Math.Abs(i), _currentScale * 1e-3));
                for (int j = 0; j < _n; j++)
                {
                    c[j] += _delta[j];
                    size = Math.Max(size, Math.Abs(_delta[j]) / _concentrationWeight);
                }
                i += di;
                if (!double.IsFinite(size)) return false;
                if (size <= NewtonTolerance) return true;
            }
            return false;
        }

        // BDF2 local truncation error ≈ |y[t₊,t₀,t₋₁,t₋₂]| h²(h + h₁)²/(2h + h₁), y''' from the third divided difference.
        private double ErrorNorm(double h)
        {
            double t3 = _t[0] + h, t2 = _t[0], t1 = _t[1], t0 = _t[2];
            double h1 = t2 - t1;
            double factor = h * h * (h + h1) * (h + h1) / (2 * h + h1);
            double worst = DividedDifference3(_trialCurrent, _i[0], _i[1], _i[2], t3, t2, t1, t0) * factor
                           / (_spec.RelativeTolerance * Math.Max(Math.Abs(_trialCurrent), _currentScale * 1e-3));
            for (int j = 0; j < _n; j++)
            {
                double e = DividedDifference3(_trial[j], _c[0][j], _c[1][j], _c[2][j], t3, t2, t1, t0) * factor / _concentrationWeight;
                if (e > worst) worst = e;
            }
            return worst;
        }

        private static double DividedDifference3(double y3, double y2, double y1, double y0, double t3, double t2, double t1, double t0)
        {
            double d32 = (y3 - y2) / (t3 - t2), d21 = (y2 - y1) / (t2 - t1), d10 = (y1 - y0) / (t1 - t0);
            double d321 = (d32 - d21) / (t3 - t1), d210 = (d21 - d10) / (t2 - t0);
            return Math.Abs((d321 - d210) / (t3 - t0));
        }

        private void Accept(double h)
        {
            _accepted++;
            var oldest = _c[2];
            _c[2] = _c[1]; _c[1] = _c[0]; _c[0] = oldest;
            Array.Copy(_trial, _c[0], _n);
            _i[2] = _i[1]; _i[1] = _i[0]; _i[0] = _trialCurrent;
            _t[2] = _t[1]; _t[1] = _t[0]; _t[0] += h;
            _historyCount = Math.Min(_historyCount + 1, 3);

            double salt = 0;
            var widths = _eq.Grid.WidthsM;
            for (int j = 0; j < _n; j++) salt += widths[j] * _c[0][j];
            _maxDrift = Math.Max(_maxDrift, Math.Abs(salt - _initialSalt) / _initialSalt);
            _eq.WallConcentrations(_c[0], _i[0], out double w0, out double wl);
            _minC = Math.Min(_minC, Math.Min(Math.Min(w0, wl), _c[0].Min()));
            _maxC = Math.Max(_maxC, Math.Max(Math.Max(w0, wl), _c[0].Max()));
            _recorder.RecordStep(_t, _c, _i, _historyCount);
        }
    }
}
