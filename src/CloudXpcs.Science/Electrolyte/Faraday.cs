namespace CloudXpcs.Science.Electrolyte;

/// <summary>The Faraday constant (CODATA 2018, exact), shared by the cell model and the velocity frames.</summary>
public static class Faraday
{
    public const double CPerMol = 96485.33212;
}
