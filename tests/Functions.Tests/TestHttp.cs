using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RpsServerless.Functions.Http;

namespace RpsServerless.Functions.Tests;

/// <summary>Requests on a <see cref="DefaultHttpContext"/> and reading what a result writes.</summary>
internal static class TestHttp
{
    public static HttpRequest Post(string path, string? json, string? contentType = "application/json", string? idempotencyKey = null)
    {
        var context = new DefaultHttpContext { TraceIdentifier = "trace-1" };
        context.Request.Method = "POST";
        context.Request.Path = path;
        var bytes = Encoding.UTF8.GetBytes(json ?? "");
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = contentType;
        if (idempotencyKey is not null)
            context.Request.Headers[Http.Idempotency.IdempotencyKey.HeaderName] = idempotencyKey;
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    public static HttpRequest Get(string path)
    {
        var context = new DefaultHttpContext { TraceIdentifier = "trace-1" };
        context.Request.Method = "GET";
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    public static async Task<Written> ExecuteAsync(IResult result, HttpRequest request)
    {
        var context = request.HttpContext;
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return new Written(context.Response.StatusCode, context.Response.ContentType, body, context.Response.Headers);
    }

    public sealed record Written(int Status, string? ContentType, string Body, IHeaderDictionary Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    public static ApiResponse AsApi(this IResult result) => Assert.IsType<ApiResponse>(result);
}
