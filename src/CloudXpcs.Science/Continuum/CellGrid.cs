namespace CloudXpcs.Science.Continuum;

/// <summary>
/// Finite-volume cells on [0, L] (x = 0 at the stripping electrode), refined towards both electrodes where the
/// concentration gradients are steepest.
/// </summary>
public sealed class CellGrid
{
    private CellGrid(double[] facesM)
    {
        FacesM = facesM;
        int n = facesM.Length - 1;
        WidthsM = new double[n];
        CentresM = new double[n];
        for (int j = 0; j < n; j++)
        {
            WidthsM[j] = facesM[j + 1] - facesM[j];
            CentresM[j] = 0.5 * (facesM[j] + facesM[j + 1]);
        }
    }

    public double[] FacesM { get; }
    public double[] WidthsM { get; }
    public double[] CentresM { get; }
    public int CellCount => WidthsM.Length;
    public double LengthM => FacesM[^1];

    public static CellGrid Uniform(double lengthM, int cellCount) => RefinedTowardsElectrodes(lengthM, cellCount, 0);

    /// <summary>
    /// Faces at x_k = L[(1−w)k/N + w(1 − cos(πk/N))/2]: a blend of a uniform and a Chebyshev grid, so the cell
    /// widths vary smoothly (second-order accuracy is kept) and the edge cells are about 1/(1−w) times smaller.
    /// </summary>
    /// <param name="refinement">w in [0, 1): 0 is uniform.</param>
    public static CellGrid RefinedTowardsElectrodes(double lengthM, int cellCount, double refinement = 0.8)
    {
        if (!(lengthM > 0)) throw new ArgumentException($"cell length must be > 0, got {lengthM} m");
        if (cellCount < 4) throw new ArgumentException($"need at least 4 cells, got {cellCount}");
        if (!(refinement >= 0 && refinement < 1)) throw new ArgumentException($"refinement must be in [0, 1), got {refinement}");
        var faces = new double[cellCount + 1];
        for (int k = 0; k <= cellCount; k++)
        {
            double s = (double)k / cellCount;
            faces[k] = lengthM * ((1 - refinement) * s + refinement * 0.5 * (1 - Math.Cos(Math.PI * s)));
        }
        faces[cellCount] = lengthM;
        return new CellGrid(faces);
    }
}
