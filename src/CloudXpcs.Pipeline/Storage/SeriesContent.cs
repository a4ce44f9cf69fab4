using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>The exact blobs of one complete series: manifest, chunks 0..n−1 and mask, each with its ETag and content hash.</summary>
/// <remarks>A series given as a result file (series.json "result") has no chunks and no mask: its result blob instead.</remarks>
public sealed record SeriesContent(string Beamtime, string Series, SeriesRow Row, IReadOnlyList<ChunkRow> Chunks, string? MaskBlob, string? MaskETag,
    string? MaskHash, string? ResultBlob = null, string? ResultETag = null, string? ResultHash = null)
{
    public string SeriesFolderBlob => $"{Beamtime}/xpcs/{Series}/";

    /// <summary>
    /// The analysis id: a hash of the content (manifest, chunks, mask) and of the parameters. The same upload with the same
    /// parameters always gives the same id (duplicate events are no-ops); changed content or parameters give a new one.
    /// </summary>
    public string AnalysisId(QMapOverride? qmap, TwoTimeParameters? twoTime = null)
    {
        var text = new StringBuilder();
        text.Append("cloudxpcs-analysis/").Append(AnalysisIdentity.CodeVersion).Append('\n');
        text.Append(Beamtime).Append('/').Append(Series).Append('\n');
        text.Append(Row.ManifestMd5).Append('\n');
        foreach (var chunk in Chunks) text.Append(chunk.RowKey).Append(':').Append(chunk.ContentMd5).Append('\n');
        text.Append("mask:").Append(MaskHash ?? "none").Append('\n');
        if (ResultHash is not null)
            text.Append("result:").Append(Row.ResultPath).Append(':').Append(ResultHash).Append('\n');   // binned already: a run's q-map does not apply
        else
        {
            text.Append("qmap:").Append(qmap is null ? "series" : JsonSerializer.Serialize(qmap)).Append('\n');
            // Only a run that asks for two-time adds a line, so the ids of analyses without it stay as they were.
            // The bin groups split the work, not its result (the merge is exact): not part of the id.
            if (twoTime is not null) text.Append("twotime:").Append(JsonSerializer.Serialize(twoTime with { BinGroups = 1 })).Append('\n');
        }
        return "a" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..24];
    }
}

/// <summary>A series that cannot be analysed yet, and why (missing series.json, chunks or mask).</summary>
public sealed record IncompleteSeries(string Beamtime, string Series, string Reason, SeriesRow? Row);

public static class AnalysisIdentity
{
    /// <summary>Bump when a code change must make earlier analyses obsolete.</summary>
    public const string CodeVersion = "2";   // 2: fit.json speed error with calibration terms, ε at the local concentration, g2.h5 q_range

    /// <summary>The content hash of a blob: its Content-MD5 when set, else its ETag.</summary>
    public static string ContentHash(byte[]? md5, ETag etag) => md5 is { Length: > 0 } ? "md5:" + Convert.ToBase64String(md5) : "etag:" + etag;

    /// <summary>Reads the series row, its chunk rows and the mask blob; complete content or the reason it is incomplete.</summary>
    public static async Task<(SeriesContent? Content, IncompleteSeries? Incomplete)> LoadAsync(PipelineStorage storage, string beamtime, string series,
        CancellationToken cancellationToken = default)
    {
        var rowResponse = await storage.Series.GetEntityIfExistsAsync<SeriesRow>(beamtime, series, cancellationToken: cancellationToken);
        var row = rowResponse.HasValue ? rowResponse.Value : null;
        if (row?.ManifestMd5 is null || (row.ChunksExpected < 1 && row.ResultPath is null && row.RawFiles is null))
            return (null, new IncompleteSeries(beamtime, series, $"{beamtime}/xpcs/{series}/series.json has not arrived", row));
        if (row.ResultPath is { } resultPath)
        {
            string resultBlob = $"{beamtime}/xpcs/{series}/{resultPath}";
            try
            {
                var properties = await storage.Raw.GetBlobClient(resultBlob).GetPropertiesAsync(cancellationToken: cancellationToken);
                return (new SeriesContent(beamtime, series, row, [], null, null, null, resultBlob, properties.Value.ETag.ToString(),
                    ContentHash(properties.Value.ContentHash, properties.Value.ETag)), null);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return (null, new IncompleteSeries(beamtime, series, $"the result file {resultBlob} named in series.json has not arrived", row));
            }
        }
        var (files, missingFile) = await SeriesFileInputs.LoadAsync(storage, beamtime, series, row, cancellationToken);
        if (missingFile is not null) return (null, new IncompleteSeries(beamtime, series, missingFile, row));
        var chunks = new SortedDictionary<int, ChunkRow>();
        if (row.RawFiles is null)
        await foreach (var chunk in storage.Chunks.QueryAsync<ChunkRow>(c => c.PartitionKey == ChunkRow.Partition(beamtime, series),
                           cancellationToken: cancellationToken))
        {
            int index = int.Parse(chunk.RowKey, System.Globalization.CultureInfo.InvariantCulture);
            if (index < row.ChunksExpected) chunks[index] = chunk;
        }
        var missing = Enumerable.Range(0, row.ChunksExpected).Where(i => !chunks.ContainsKey(i)).ToList();
        if (missing.Count > 0)
            return (null, new IncompleteSeries(beamtime, series,
                $"missing chunk{(missing.Count > 1 ? "s" : "")} {Ranges(missing)} of {row.ChunksExpected} ({beamtime}/xpcs/{series}/chunk-NNNNN.h5)", row));
        string? maskBlob = null, maskHash = null;
        ETag? maskETag = null;
        if (row.MaskPath is { } maskPath)
        {
            maskBlob = $"{beamtime}/xpcs/{series}/{maskPath}";
            try
            {
                var properties = await storage.Raw.GetBlobClient(maskBlob).GetPropertiesAsync(cancellationToken: cancellationToken);
                maskETag = properties.Value.ETag;
                maskHash = ContentHash(properties.Value.ContentHash, properties.Value.ETag);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return (null, new IncompleteSeries(beamtime, series, $"the mask {maskBlob} named in series.json has not arrived", row));
            }
        }
        return (new SeriesContent(beamtime, series, row, [.. chunks.Values, .. files], maskBlob, maskETag?.ToString(), maskHash), null);
    }

    /// <summary>"0,2-4,7" for [0,2,3,4,7].</summary>
    public static string Ranges(IReadOnlyList<int> sorted)
    {
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(",", parts);
    }
}
