using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace RpsServerless.Functions.Http.Idempotency;

/// <summary>The <c>Idempotency-Key</c> request header: 1–100 printable ASCII characters.</summary>
public static class IdempotencyKey
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxLength = 100;

    /// <summary>
    /// Reads the header. No header: <c>(null, null)</c>, the request runs without replay protection.
    /// An invalid header: the 400 to return.
    /// </summary>
    public static (string? Key, ApiResponse? Rejection) Read(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(HeaderName, out var values))
            return (null, null);
        if (values.Count != 1)
            return (null, Problems.BadRequest(request.HttpContext, "Send exactly one Idempotency-Key header.", HeaderName));
        var key = values[0] ?? "";
        if (!IsValid(key))
            return (null, Problems.BadRequest(request.HttpContext,
                $"Idempotency-Key must be 1 to {MaxLength} printable ASCII characters.", HeaderName));
        return (key, null);
    }

    public static bool IsValid(string key) =>
        key.Length is >= 1 and <= MaxLength && key.All(c => c is >= ' ' and <= '~');

    /// <summary>
    /// What "the same request" means: method, path and query, and the body bytes. The same key on another route
    /// is a different request, so it conflicts rather than replays.
    /// </summary>
    public static string RequestHash(HttpRequest request, ReadOnlyMemory<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(
            $"{request.Method.ToUpperInvariant()} {request.Path.Value}{request.QueryString.Value}\n"));
        hash.AppendData(body.Span);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
