using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace CloudXpcs.Functions.Tests.Support;

/// <summary>An HTTP request as the isolated worker hands it to a function: method, URL (with a function key in the query), body.</summary>
public sealed class FakeHttpRequest(FunctionContext context, string method, Uri url, byte[] body) : HttpRequestData(context)
{
    public static FakeHttpRequest Create(string method, string pathAndQuery, string body = "") =>
        new(new FakeFunctionContext(), method, new Uri("https://cloudxpcs-test.azurewebsites.net" + pathAndQuery), Encoding.UTF8.GetBytes(body));

    public override Stream Body { get; } = new MemoryStream(body, writable: false);
    public override HttpHeadersCollection Headers { get; } = [];
    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];
    public override Uri Url { get; } = url;
    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];
    public override string Method { get; } = method;

    public override HttpResponseData CreateResponse() => new FakeHttpResponse(FunctionContext);
}

public sealed class FakeHttpResponse(FunctionContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;
    public override HttpHeadersCollection Headers { get; set; } = [];
    public override Stream Body { get; set; } = new MemoryStream();
    public override HttpCookies Cookies => throw new NotSupportedException();

    public string Text()
    {
        Body.Position = 0;
        return new StreamReader(Body, Encoding.UTF8).ReadToEnd();
    }
}
