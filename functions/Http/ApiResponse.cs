using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace RpsServerless.Functions.Http;

/// <summary>
/// A fully serialised HTTP response: status, content type, body bytes and a few headers. Resource functions return
/// these from POST handlers so the idempotency layer can store and replay them byte for byte. It writes itself
/// without needing any service from <c>HttpContext.RequestServices</c>, so tests need only a <c>DefaultHttpContext</c>.
/// </summary>
public sealed class ApiResponse : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    public ApiResponse(int statusCode, string? contentType, ReadOnlyMemory<byte> body, IReadOnlyDictionary<string, string>? headers = null)
    {
        StatusCode = statusCode;
        ContentType = contentType;
        Body = body;
        Headers = headers ?? new Dictionary<string, string>();
    }

    public int StatusCode { get; }
    int? IStatusCodeHttpResult.StatusCode => StatusCode;
    public string? ContentType { get; }
    public ReadOnlyMemory<byte> Body { get; }
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body as text (UTF-8), for logs of sizes and for tests.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    public static ApiResponse Json<T>(int statusCode, T value) =>
        new(statusCode, JsonContentType, ApiJson.Serialize(value));

    public static ApiResponse Ok<T>(T value) => Json(StatusCodes.Status200OK, value);

    public static ApiResponse Created<T>(string location, T value) =>
        Json(StatusCodes.Status201Created, value).WithHeader("Location", location);

    public static ApiResponse NoContent() => new(StatusCodes.Status204NoContent, null, ReadOnlyMemory<byte>.Empty);

    public ApiResponse WithHeader(string name, string value)
    {
        var headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value };
        return new ApiResponse(StatusCode, ContentType, Body, headers);
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        foreach (var (name, value) in Headers)
            response.Headers[name] = value;
        if (ContentType is not null)
            response.ContentType = ContentType;
        if (Body.IsEmpty)
            return;
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, httpContext.RequestAborted).ConfigureAwait(false);
    }

    public override string ToString() => $"{StatusCode} {ContentType} ({Body.Length} bytes)";
}
