using Azure;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Storage;

public static class SeriesRows
{
    /// <summary>Read-modify-write of a series row under optimistic concurrency; <paramref name="change"/> returns false to leave it.</summary>
    public static async Task UpdateAsync(PipelineStorage storage, string beamtime, string series, Func<SeriesRow, bool> change,
        CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var existing = await storage.Series.GetEntityIfExistsAsync<SeriesRow>(beamtime, series, cancellationToken: cancellationToken);
            if (!existing.HasValue || !change(existing.Value!)) return;
            try
            {
                await storage.Series.UpdateEntityAsync(existing.Value!, existing.Value!.ETag, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
            }
        }
        throw new InvalidOperationException($"series row {beamtime}/{series} kept changing while it was being updated");
    }
}
