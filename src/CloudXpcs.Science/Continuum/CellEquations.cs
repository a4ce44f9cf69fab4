using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Science.Continuum;

/// <summary>
/// Finite-volume discretisation of the salt balance and the cell-voltage constraint (CONTINUUM_MODEL_NOTES §1) in
/// the frame of the Li interfaces, with analytic derivatives for Newton's method.
/// Anion flux in that frame: N₋ = J₋ + c v₀ with v₀ = −V̄ₑJ₋, so N₋ = (1 − cV̄ₑ)J₋ = −D ∂c/∂x − a(c) i with
/// a(c) = (1 − t₊⁰)(1 − cV̄ₑ)/F. Writing it in this flux form keeps the ∂t₊⁰/∂x and convective terms exactly
/// conservative; N₋ = 0 at both walls.
/// </summary>
internal sealed class CellEquations
{
    public const double FaradayCPerMol = Faraday.CPerMol;
    public const double GasConstantJPerMolK = 8.314462618;

    private readonly TransportSet _set;
    private readonly double _saltVolume;
    private readonly double _twoRtOverF;
    private readonly double _interfacialResistanceOhmM2;
    private readonly double? _exchangeCurrentAPerM2;
    private readonly CellDrive _drive;
    private readonly double[] _h;
    private readonly double[] _faceDx;
    private readonly double[] _faceWeightLeft;

    public CellEquations(CellGrid grid, TransportSet set, CellDrive drive, double temperatureK,
                         double interfacialResistanceOhmM2, double? exchangeCurrentAPerM2)
    {
        Grid = grid;
        _set = set;
        _drive = drive;
        _saltVolume = set.SaltPartialMolarVolumeM3PerMol;
        _twoRtOverF = 2 * GasConstantJPerMolK * temperatureK / FaradayCPerMol;
        _interfacialResistanceOhmM2 = interfacialResistanceOhmM2;
        _exchangeCurrentAPerM2 = exchangeCurrentAPerM2;
        _h = grid.WidthsM;
        int n = grid.CellCount;
        _faceDx = new double[n - 1];
        _faceWeightLeft = new double[n - 1];
        for (int j = 0; j < n - 1; j++)
        {
            _faceDx[j] = grid.CentresM[j + 1] - grid.CentresM[j];
            _faceWeightLeft[j] = _h[j + 1] / (_h[j] + _h[j + 1]);
        }
    }

    public CellGrid Grid { get; }
    public int CellCount => _h.Length;

    /// <summary>
    /// Residuals of h_j(α₀c_j + history_j) + N_{j+½} − N_{j−½} = 0 and of the drive constraint G(c, i) = 0, with
    /// the bordered Jacobian: tridiagonal (lower, diag, upper) in c, column ∂F/∂i, row ∂G/∂c, corner ∂G/∂i.
    /// </summary>
    public void Assemble(ReadOnlySpan<double> c, double i, double alpha0, ReadOnlySpan<double> history,
                         Span<double> residual, out double driveResidual,
                         Span<double> lower, Span<double> diag, Span<double> upper,
                         Span<double> currentColumn, Span<double> driveRow, out double driveCorner)
    {
        int n = CellCount;
        for (int j = 0; j < n; j++)
        {
            residual[j] = _h[j] * (alpha0 * c[j] + history[j]);
            diag[j] = _h[j] * alpha0;
            lower[j] = upper[j] = currentColumn[j] = 0;
        }
        for (int f = 0; f < n - 1; f++)
        {
            double wl = _faceWeightLeft[f], wr = 1 - wl;
            double cf = wl * c[f] + wr * c[f + 1];
            double d = _set.DiffusivityM2PerS.Evaluate(cf, out double dd);
            double a = MigrationCoefficient(cf, out double da);
            double grad = (c[f + 1] - c[f]) / _faceDx[f];
            double flux = -d * grad - a * i;
            double dFluxDl = -dd * wl * grad + d / _faceDx[f] - da * wl * i;
            double dFluxDr = -dd * wr * grad - d / _faceDx[f] - da * wr * i;
            residual[f] += flux; residual[f + 1] -= flux;
            diag[f] += dFluxDl; upper[f] += dFluxDr;
            lower[f + 1] -= dFluxDl; diag[f + 1] -= dFluxDr;
            currentColumn[f] -= a; currentColumn[f + 1] += a;
        }
        driveResidual = DriveResidual(c, i, driveRow, out driveCorner);
    }

    /// <summary>Cell voltage for state (c, i): interfacial + bulk ohmic + concentration overpotential.</summary>
    public double CellVoltage(ReadOnlySpan<double> c, double i) => Voltage(c, i, Span<double>.Empty, out _);

    /// <summary>Voltage at uniform concentration (t = 0⁺, no concentration overpotential) for current i.</summary>
    public double UniformCellVoltage(double uniformConcentration, double i, out double dVdi)
    {
        double resistance = _interfacialResistanceOhmM2 + Grid.LengthM / _set.ConductivitySPerM.ValueAt(uniformConcentration);
        double kinetic = 2 * KineticOverpotential(i, out double dKinetic);
        dVdi = resistance + 2 * dKinetic;
        return i * resistance + kinetic;
    }

    /// <summary>Salt concentrations extrapolated to the walls with the flux boundary condition D f ∂c/∂x = −(1 − t₊⁰)i/F.</summary>
    public void WallConcentrations(ReadOnlySpan<double> c, double i, out double strippingWall, out double platingWall)
    {
        int n = CellCount;
        strippingWall = c[0] + 0.5 * _h[0] * WallGradientFactor(c[0], out _) * i;
        platingWall = c[n - 1] - 0.5 * _h[n - 1] * WallGradientFactor(c[n - 1], out _) * i;
    }

    /// <summary>Anion flux relative to the solvent, J₋ = −D f ∂c/∂x − (1 − t₊⁰)i/F, at every face (walls: 0).</summary>
    public void AnionSolventFrameFlux(ReadOnlySpan<double> c, double i, Span<double> fluxAtFaces)
    {
        int n = CellCount;
        fluxAtFaces[0] = 0;
        fluxAtFaces[n] = 0;
        for (int f = 0; f < n - 1; f++)
        {
            double cf = _faceWeightLeft[f] * c[f] + (1 - _faceWeightLeft[f]) * c[f + 1];
            double d = _set.DiffusivityM2PerS.ValueAt(cf);
            double t = _set.CationTransference.ValueAt(cf);
            fluxAtFaces[f + 1] = -d / (1 - cf * _saltVolume) * (c[f + 1] - c[f]) / _faceDx[f] - (1 - t) * i / FaradayCPerMol;
        }
    }

    public double SaltPartialMolarVolumeM3PerMol => _saltVolume;

    /// <summary>G(c, i): zero when the state satisfies the drive (voltage or current); NaN for an infeasible state.</summary>
    public double DriveResidual(ReadOnlySpan<double> c, double i, Span<double> driveRow, out double driveCorner)
    {
        switch (_drive)
        {
            case ConstantCurrent cc:
                driveRow.Clear();
                driveCorner = 1;
                return i - cc.CurrentDensityAPerM2;
            case ConstantVoltage cv:
                return Voltage(c, i, driveRow, out driveCorner) - cv.VoltageV;
            default:
                throw new ArgumentException($"unsupported cell drive {_drive.GetType().Name}");
        }
    }

    // V = i R_int + 2η_BV(i) + i Σ h_j/κ(c_j) + ∫_{c(L)}^{c(0)} g(c) dc; fills ∂V/∂c_j and ∂V/∂i when driveRow is not empty.
    private double Voltage(ReadOnlySpan<double> c, double i, Span<double> driveRow, out double dVdi)
    {
        int n = CellCount;
        bool derivatives = !driveRow.IsEmpty;
        double resistance = _interfacialResistanceOhmM2;
        for (int j = 0; j < n; j++)
        {
            double kappa = _set.ConductivitySPerM.Evaluate(c[j], out double dKappa);
            resistance += _h[j] / kappa;
            if (derivatives) driveRow[j] = -i * _h[j] * dKappa / (kappa * kappa);
        }
        double kinetic = 2 * KineticOverpotential(i, out double dKinetic);
        double q0 = WallGradientFactor(c[0], out double dq0);
        double qn = WallGradientFactor(c[n - 1], out double dqn);
        double c0 = c[0] + 0.5 * _h[0] * q0 * i;
        double cn = c[n - 1] - 0.5 * _h[n - 1] * qn * i;
        // The caller rejects the state (Newton iterate or step) when a wall concentration is not positive.
        if (!(c0 > 0) || !(cn > 0)) { dVdi = double.NaN; return double.NaN; }
        double concentration = OverpotentialIntegral(cn, c0);
        double g0 = ConcentrationOverpotentialDensity(c0), gn = ConcentrationOverpotentialDensity(cn);
        dVdi = resistance + 2 * dKinetic + g0 * 0.5 * _h[0] * q0 + gn * 0.5 * _h[n - 1] * qn;
        if (derivatives)
        {
            driveRow[0] += g0 * (1 + 0.5 * _h[0] * dq0 * i);
            driveRow[n - 1] -= gn * (1 - 0.5 * _h[n - 1] * dqn * i);
        }
        return i * resistance + kinetic + concentration;
    }

    // Symmetric Butler–Volmer (α = ½) at one electrode: η = (2RT/F) asinh(i / 2i₀).
    private double KineticOverpotential(double i, out double dEtaDi)
    {
        if (_exchangeCurrentAPerM2 is not double i0) { dEtaDi = 0; return 0; }
        double s = i / (2 * i0);
        dEtaDi = _twoRtOverF / (2 * i0 * Math.Sqrt(1 + s * s));
        return _twoRtOverF * Math.Asinh(s);
    }

    // a(c) = (1 − t₊⁰)(1 − cV̄ₑ)/F: the migration part of the anion flux in the interface frame, per unit current.
    private double MigrationCoefficient(double c, out double slope)
    {
        double t = _set.CationTransference.Evaluate(c, out double dt);
        double phi = 1 - c * _saltVolume;
        slope = (-dt * phi - (1 - t) * _saltVolume) / FaradayCPerMol;
        return (1 - t) * phi / FaradayCPerMol;
    }

    // q(c) = −(∂c/∂x)/i at a wall = (1 − t₊⁰)/(F D f) = a(c)/D(c).
    private double WallGradientFactor(double c, out double slope)
    {
        double a = MigrationCoefficient(c, out double da);
        double d = _set.DiffusivityM2PerS.Evaluate(c, out double dd);
        slope = (da * d - a * dd) / (d * d);
        return a / d;
    }

    // g(c) = (2RT/F)(1 − t₊⁰)T_f f / c, the integrand of the concentration overpotential (f = 1/(1 − cV̄ₑ)).
    private double ConcentrationOverpotentialDensity(double c)
    {
        double t = _set.CationTransference.ValueAt(c);
        double tf = _set.ThermodynamicFactor.ValueAt(c);
        return _twoRtOverF * (1 - t) * tf / (c * (1 - c * _saltVolume));
    }

    private static readonly double[] GaussNodes = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
    private static readonly double[] GaussWeights = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];
    private const int QuadraturePanels = 8;

    private double OverpotentialIntegral(double from, double to)
    {
        double width = (to - from) / QuadraturePanels, sum = 0;
        for (int p = 0; p < QuadraturePanels; p++)
        {
            double mid = from + (p + 0.5) * width;
            for (int k = 0; k < GaussNodes.Length; k++)
                sum += GaussWeights[k] * ConcentrationOverpotentialDensity(mid + 0.5 * width * GaussNodes[k]);
        }
        return 0.5 * width * sum;
    }
}
