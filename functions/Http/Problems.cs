using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using RpsServerless.Core;

namespace RpsServerless.Functions.Http;

/// <summary>An RFC 9457 problem-details body, as api.md specifies it.</summary>
public sealed record ProblemBody(
    [property: JsonPropertyOrder(0)] string Type,
    [property: JsonPropertyOrder(1)] string Title,
    [property: JsonPropertyOrder(2)] int Status,
    [property: JsonPropertyOrder(3)] string Detail,
    [property: JsonPropertyOrder(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, string[]>? Errors,
    [property: JsonPropertyOrder(5)] string TraceId);

/// <summary>Stable problem types. URNs: they identify the problem and are not meant to be dereferenced.</summary>
public static class ProblemTypes
{
    public const string Validation = "urn:natars:problem:validation";
    public const string BadRequest = "urn:natars:problem:bad-request";
    public const string Unauthorized = "urn:natars:problem:unauthorized";
    public const string Forbidden = "urn:natars:problem:forbidden";
    public const string NotFound = "urn:natars:problem:not-found";
    public const string Conflict = "urn:natars:problem:conflict";
    public const string IdempotencyKeyReused = "urn:natars:problem:idempotency-key-reused";
    public const string IdempotencyInProgress = "urn:natars:problem:idempotency-in-progress";
    public const string PreconditionFailed = "urn:natars:problem:precondition-failed";
    public const string PayloadTooLarge = "urn:natars:problem:payload-too-large";
    public const string UnsupportedMediaType = "urn:natars:problem:unsupported-media-type";
    public const string ServiceUnavailable = "urn:natars:problem:service-unavailable";
    public const string Internal = "urn:natars:problem:internal";
}

/// <summary>
/// Builds the error responses of the API. Every one is <c>application/problem+json</c> with a <c>traceId</c>;
/// none carries exception text, stack traces or storage details.
/// </summary>
public static class Problems
{
    /// <summary>400 with the <c>errors</c> map: field path → messages.</summary>
    public static ApiResponse Validation(HttpContext context, IEnumerable<FieldError> errors, string? detail = null)
    {
        var map = errors
            .GroupBy(error => error.Path, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(error => error.Message).ToArray(), StringComparer.Ordinal);
        return Create(context, StatusCodes.Status400BadRequest, ProblemTypes.Validation, "The request is not valid.",
            detail ?? "One or more fields are invalid; see errors.", map);
    }

    public static ApiResponse BadRequest(HttpContext context, string detail, string? field = null) => field is null
        ? Create(context, StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "Bad request.", detail)
        : Validation(context, [new FieldError(field, detail)], detail);

    public static ApiResponse NotFound(HttpContext context, string detail) =>
        Create(context, StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found.", detail);

    public static ApiResponse Conflict(HttpContext context, string detail, IEnumerable<FieldError>? errors = null) =>
        Create(context, StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Conflict with the current state.", detail,
            errors?.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));

    public static ApiResponse PreconditionFailed(HttpContext context, string detail) =>
        Create(context, StatusCodes.Status412PreconditionFailed, ProblemTypes.PreconditionFailed, "Precondition failed.", detail);

    public static ApiResponse PayloadTooLarge(HttpContext context, long limitBytes) =>
        Create(context, StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Request body too large.",
            $"The request body must not exceed {limitBytes / 1024} KiB.");

    public static ApiResponse UnsupportedMediaType(HttpContext context) =>
        Create(context, StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType,
            "Unsupported media type.", "The request body must be JSON (Content-Type: application/json).");

    /// <summary>503 with <c>Retry-After</c> (seconds): storage or a queue cannot be reached; nothing was written.</summary>
    public static ApiResponse ServiceUnavailable(HttpContext context, TimeSpan retryAfter) =>
        Create(context, StatusCodes.Status503ServiceUnavailable, ProblemTypes.ServiceUnavailable, "Service unavailable.",
                "Storage is temporarily unavailable and nothing was changed. Retry later.")
            .WithHeader("Retry-After", RetryAfterSeconds(retryAfter));

    /// <summary>500 that says nothing about the cause; the trace id links it to the logged exception.</summary>
    public static ApiResponse Internal(HttpContext context) =>
        Create(context, StatusCodes.Status500InternalServerError, ProblemTypes.Internal, "Internal server error.",
            "An unexpected error occurred. Quote the traceId when reporting it.");

    public static ApiResponse Create(HttpContext context, int status, string type, string title, string detail,
        IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var body = new ProblemBody(type, title, status, detail, errors, TraceId(context));
        return new ApiResponse(status, ApiResponse.ProblemContentType, ApiJson.Serialize(body));
    }

    public static string TraceId(HttpContext context) => Activity.Current?.Id ?? context.TraceIdentifier;

    internal static string RetryAfterSeconds(TimeSpan retryAfter) =>
        Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
