using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Azure.Functions.Worker.Http;

namespace CloudXpcs.Functions.Http;

/// <summary>JSON answers of the HTTP endpoints; errors are {"error": "..."}.</summary>
public static class HttpAnswers
{
    public static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };

    public static async Task<HttpResponseData> JsonAsync<T>(HttpRequestData request, HttpStatusCode status, T body, CancellationToken cancellationToken)
    {
        var response = request.CreateResponse(status);
        response.Headers.Add("Content-Type", "application/json; charset=utf-8");
        await response.WriteStringAsync(JsonSerializer.Serialize(body, Json), cancellationToken);
        return response;
    }

    public static Task<HttpResponseData> ErrorAsync(HttpRequestData request, HttpStatusCode status, string error, CancellationToken cancellationToken) =>
        JsonAsync(request, status, new ErrorBody(error), cancellationToken);

    /// <summary>The 400 answer when a route segment is not a safe name, else null.</summary>
    public static async Task<HttpResponseData?> RejectSegmentsAsync(HttpRequestData request, CancellationToken cancellationToken,
        params (string What, string? Value)[] segments)
    {
        foreach (var (what, value) in segments)
            if (RunRequestValidation.CheckSegment(what, value) is { } problem)
                return await ErrorAsync(request, HttpStatusCode.BadRequest, problem, cancellationToken);
        return null;
    }

    /// <summary>The URL of a resource below the requested one, without the query (which may hold the function key).</summary>
    public static string ChildUrl(HttpRequestData request, string child) =>
        request.Url.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + Uri.EscapeDataString(child);
}

public sealed record ErrorBody([property: JsonPropertyName("error")] string Error);
