using System.Text.Json;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Http;

/// <summary>Either a value or the reason it was refused (the text of a 400 answer).</summary>
public sealed record Validated<T>(T? Value, string? Error) where T : class
{
    public bool IsValid => Error is null;

    public static Validated<T> Ok(T value) => new(value, null);

    public static Validated<T> Fail(string error) => new(null, error);
}

/// <summary>
/// Validation of everything an HTTP caller sends: route segments (beamtime, run id) follow the raw-blob segment rules,
/// the body of a run request is a small strict JSON object (no unknown or duplicate fields, right types, finite numbers
/// in range, shallow nesting, built-in transport set names, a valid q map). Pure: no Functions runtime needed.
/// </summary>
public static class RunRequestValidation
{
    public const int MaxBodyBytes = 16 * 1024;
    public const int MaxDepth = 8;
    public const int MaxTransportSets = 16;
    public const long MinShardThresholdPixels = 1024;
    public const long MaxShardThresholdPixels = 1L << 32;
    public const double MaxWaitForSeriesMinutes = 24 * 60;
    public const double MaxStaleAfterMinutes = 30 * 24 * 60;

    private static readonly JsonSerializerOptions Strict = new()
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        MaxDepth = MaxDepth,
    };

    /// <summary>Null when <paramref name="value"/> is a safe single path segment, else the problem (naming <paramref name="what"/>).</summary>
    public static string? CheckSegment(string what, string? value)
    {
        if (string.IsNullOrEmpty(value)) return $"{what} is empty";
        if (value.Contains('/')) return $"{what} '{RawBlobName.Printable(value)}' contains '/'";
        string problem = RawBlobName.Check(value + "/x");
        if (problem.Length > 0) return $"{what} '{RawBlobName.Printable(value)}': {problem.Replace("the name", what, StringComparison.Ordinal)}";
        if (value == RunRow.LatestRowKey) return $"{what} '{value}' is reserved";
        return null;
    }

    /// <summary>The run parameters of a POST body; an empty body means the defaults.</summary>
    public static Validated<RunParameters> ParseRunParameters(ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxBodyBytes) return Validated<RunParameters>.Fail($"body is {body.Length} bytes, more than {MaxBodyBytes}");
        if (IsBlank(body)) return Validated<RunParameters>.Ok(new RunParameters());
        RunParameters? parameters;
        try
        {
            parameters = JsonSerializer.Deserialize<RunParameters>(body, Strict);
        }
        catch (JsonException e)
        {
            return Validated<RunParameters>.Fail($"body is not a valid run request{At(e.Path)}: {Describe(e)}");
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or ArgumentException)
        {
            return Validated<RunParameters>.Fail($"body is not a valid run request: {e.Message}");
        }
        if (parameters is null) return Validated<RunParameters>.Fail("body must be a JSON object, not null");
        string? problem = CheckRunParameters(parameters);
        return problem is null ? Validated<RunParameters>.Ok(parameters) : Validated<RunParameters>.Fail(problem);
    }

    /// <summary>Null when the (deserialized) parameters are in range, else the problem.</summary>
    public static string? CheckRunParameters(RunParameters parameters)
    {
        if (parameters.QMap is { } qmap)
        {
            try { qmap.Validate(); }
            catch (ArgumentException e) { return e.Message; }
        }
        if (parameters.TwoTime is { } twoTime)
        {
            try { twoTime.Validate(); }
            catch (ArgumentException e) { return e.Message; }
        }
        if (parameters.TransportSets is { } sets)
        {
            if (sets.Count is 0 or > MaxTransportSets) return $"transport_sets: give 1..{MaxTransportSets} names (or leave it out for those of beamtime.json)";
            foreach (string? set in sets)
            {
                if (set is null) return "transport_sets: null is not a transport set name";
                if (!BuiltInTransportSets.IsBuiltIn(set))
                    return $"transport_sets: '{RawBlobName.Printable(set)}' is not a built-in set ({string.Join(", ", BuiltInTransportSets.Names)})";
            }
            if (sets.Distinct(StringComparer.Ordinal).Count() != sets.Count) return "transport_sets: names repeat";
        }
        if (parameters.ShardPixelThreshold is < MinShardThresholdPixels or > MaxShardThresholdPixels)
            return $"shard_threshold_pixels: {MinShardThresholdPixels}..{MaxShardThresholdPixels} (got {parameters.ShardPixelThreshold})";
        if (!(parameters.WaitForSeriesMinutes > 0 && parameters.WaitForSeriesMinutes <= MaxWaitForSeriesMinutes))
            return $"wait_for_series_min: more than 0 and at most {MaxWaitForSeriesMinutes} (got {parameters.WaitForSeriesMinutes:R})";
        if (!(parameters.StaleAfterMinutes > 0 && parameters.StaleAfterMinutes <= MaxStaleAfterMinutes))
            return $"stale_after_min: more than 0 and at most {MaxStaleAfterMinutes} (got {parameters.StaleAfterMinutes:R})";
        return null;
    }

    private static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (byte b in body)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        return true;
    }

    private static string At(string? path) => string.IsNullOrEmpty(path) || path == "$" ? "" : $" at {path}";

    /// <summary>The reader's reason without the .NET type names the serializer puts in its messages.</summary>
    private static string Describe(JsonException e)
    {
        string message = e.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal)) return "unknown field";
        if (message.Contains("could not be converted", StringComparison.Ordinal)) return "wrong type or value out of range";
        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)) return "duplicate field";
        if (message.Contains("missing required", StringComparison.OrdinalIgnoreCase))
            return "missing field " + RequiredNames(message);
        if (message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase)) return $"nested deeper than {MaxDepth} levels";
        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase))
            return "null is not allowed here";
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>The names after "including:" in the serializer's message (which starts with the .NET type name).</summary>
    private static string RequiredNames(string message)
    {
        int at = message.IndexOf("including:", StringComparison.Ordinal);
        return at < 0 ? "" : message[(at + "including:".Length)..].Trim().TrimEnd('.');
    }

    /// <summary>Reads at most <see cref="MaxBodyBytes"/>+1 bytes: enough to refuse a larger body without reading it all.</summary>
    public static async Task<byte[]> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxBodyBytes + 1];
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0) break;
            total += read;
        }
        return buffer[..total];
    }
}
