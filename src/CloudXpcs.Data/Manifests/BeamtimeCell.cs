namespace CloudXpcs.Data.Manifests;

/// <summary>The electrochemical cell of beamtime.json "cell" (DATA_CONTRACT section 1.5).</summary>
public sealed record BeamtimeCell(
    double LengthMm,
    double VoltageV,
    double TemperatureC,
    double RInitial,
    double InitialConcentrationM);
