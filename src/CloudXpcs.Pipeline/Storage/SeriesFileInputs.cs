using Azure;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>
/// The series-folder files an analysis reads besides chunks, mask and series.json: the detector's own files of a
/// series.json "raw" (all must have arrived: a master file without its data files is incomplete) and a "qmap_file".
/// Each becomes an input entry like a chunk (blob, content hash, ETag), so the analysis id, the captured input versions
/// (run.json) and the download of exactly those versions cover them.
/// </summary>
public static class SeriesFileInputs
{
    /// <summary>Row key of the q-map file's entry; raw files are keyed raw-NNNNN in frame order.</summary>
    public const string QMapRowKey = "qmap";

    public static async Task<(IReadOnlyList<ChunkRow> Files, string? Missing)> LoadAsync(PipelineStorage storage, string beamtime, string series,
        SeriesRow row, CancellationToken cancellationToken)
    {
        var wanted = new List<(string Key, string Name)>();
        if (row.RawFiles is { } raw)
            wanted.AddRange(raw.Split('\n').Select((name, i) => ($"raw-{i:D5}", name)));
        if (row.QMapFile is { } qmap) wanted.Add((QMapRowKey, qmap));
        var files = new ChunkRow?[wanted.Count];
        var missing = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, wanted.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                string blob = $"{beamtime}/xpcs/{series}/{wanted[i].Name}";
                try
                {
                    var p = (await storage.Raw.GetBlobClient(blob).GetPropertiesAsync(cancellationToken: ct)).Value;
                    files[i] = new ChunkRow
                    {
                        PartitionKey = ChunkRow.Partition(beamtime, series),
                        RowKey = wanted[i].Key,
                        BlobName = blob,
                        ContentMd5 = AnalysisIdentity.ContentHash(p.ContentHash, p.ETag),
                        BlobETag = p.ETag.ToString(),
                        Bytes = p.ContentLength,
                    };
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    lock (missing) missing.Add(wanted[i].Name);
                }
            });
        if (missing.Count == 0) return (files.Select(f => f!).ToList(), null);
        var names = wanted.Select(w => w.Name).Where(missing.Contains).ToList();
        string what = row.QMapFile is { } q && names.Count == 1 && names[0] == q ? $"the q-map file {q}" : $"raw file{(names.Count > 1 ? "s" : "")} {string.Join(", ", names.Take(5))}{(names.Count > 5 ? ", ..." : "")}";
        return ([], $"missing {what} named in series.json ({beamtime}/xpcs/{series}/)");
    }
}
