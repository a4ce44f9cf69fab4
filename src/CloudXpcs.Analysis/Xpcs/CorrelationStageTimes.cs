using System.Diagnostics;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>
/// Where the time of one series correlation went, filled in by <see cref="SeriesCorrelation"/> when passed in
/// <see cref="SeriesCorrelationOptions.Timings"/> (`correlate --verbose` prints it). Reading runs on its own thread,
/// ahead of the correlation: <see cref="ReadS"/> is that thread's busy time, <see cref="ReadWaitS"/> how long the
/// correlation waited for frames.
/// </summary>
public sealed class CorrelationStageTimes
{
    /// <summary>series.json, chunk headers, q-map, correlator set-up.</summary>
    public double OpenS { get; internal set; }
    /// <summary>Mapping chunks into memory, or reading frames through the HDF5 library (uncompressed chunks).</summary>
    public double ReadS { get; internal set; }
    /// <summary>Reading frames through the HDF5 library when chunks are compressed (reading and decompression together).</summary>
    public double DecompressS { get; internal set; }
    public double ReadWaitS { get; internal set; }
    public double CorrelateS { get; internal set; }
    public double FinaliseS { get; internal set; }
    public double WriteS { get; internal set; }
    /// <summary>Chunks whose frames were used straight from the page cache (memory-mapped), and chunks read through the HDF5 library.</summary>
    public int MappedChunks { get; internal set; }
    public int ReadChunks { get; internal set; }
    /// <summary>Threads that read (and decompressed) each batch read through the HDF5 library, each its part of the batch.</summary>
    public int ReadThreads { get; internal set; }
    /// <summary>Whether the correlator took every frame at once (mapped chunks) and correlated column blocks through the whole series.</summary>
    public bool WholeSeries { get; internal set; }

    internal static double Since(long timestamp) => Stopwatch.GetElapsedTime(timestamp).TotalSeconds;
}
