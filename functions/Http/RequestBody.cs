using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace RpsServerless.Functions.Http;

/// <summary>A request body read in full, within the API's size limit, with its media type checked.</summary>
public sealed class RequestBody
{
    /// <summary>api.md: bodies over 64 KiB are refused with 413.</summary>
    public const int MaxBytes = 64 * 1024;

    private RequestBody(ReadOnlyMemory<byte> bytes) => Bytes = bytes;

    public ReadOnlyMemory<byte> Bytes { get; }
    public bool IsEmpty => Bytes.IsEmpty;

    public static RequestBody Empty { get; } = new(ReadOnlyMemory<byte>.Empty);

    /// <summary>
    /// Reads the body: 413 when it exceeds <see cref="MaxBytes"/> (by Content-Length or by what arrives),
    /// 415 when a non-empty body is not JSON. An empty body is allowed whatever its content type.
    /// </summary>
    public static async Task<RequestBodyRead> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
            return new RequestBodyRead(null, Problems.PayloadTooLarge(request.HttpContext, MaxBytes));

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, MaxBytes) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBytes)
                return new RequestBodyRead(null, Problems.PayloadTooLarge(request.HttpContext, MaxBytes));
        }

        if (buffer.WrittenCount == 0)
            return new RequestBodyRead(Empty, null);
        if (!IsJson(request.ContentType))
            return new RequestBodyRead(null, Problems.UnsupportedMediaType(request.HttpContext));
        return new RequestBodyRead(new RequestBody(buffer.WrittenMemory.ToArray()), null);
    }

    /// <summary><c>application/json</c> or <c>application/*+json</c>, in UTF-8 if a charset is named.</summary>
    internal static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
            return false;
        var type = mediaType.MediaType.Value ?? "";
        var isJson = type.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
                     (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) &&
                      type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        var charset = mediaType.Charset.Value;
        return isJson && (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) ||
                          charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>Either the body or the problem response that refuses it.</summary>
public readonly record struct RequestBodyRead(RequestBody? Body, ApiResponse? Rejection);
