namespace RpsServerless.Functions.Http.Idempotency;

/// <summary>
/// Remembers the response to each (caller, key) for at least <see cref="IdempotencyOptions.Retention"/>.
/// <see cref="BeginAsync"/> is the race-safe step: of two concurrent requests with one key, exactly one is
/// told to <see cref="IdempotencyBegin.Started"/>; the other waits for its answer (409 while it runs).
/// </summary>
public interface IIdempotencyStore
{
    Task<IdempotencyBegin> BeginAsync(string callerId, string key, string requestHash, CancellationToken cancellationToken);

    /// <summary>Stores the response of a started request so that a retry replays it.</summary>
    Task CompleteAsync(IdempotencyLease lease, StoredResponse response, CancellationToken cancellationToken);

    /// <summary>Forgets a started request that produced no answer to keep (5xx, storage down), so a retry runs again.</summary>
    Task ReleaseAsync(IdempotencyLease lease, CancellationToken cancellationToken);
}

public sealed record IdempotencyOptions
{
    /// <summary>api.md: keys are kept at least 24 hours.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a started request holds its key. After that a retry may take the key over, so a request that
    /// died mid-way (process crash, storage outage while releasing) does not block its key for a whole day.
    /// Longer than the longest HTTP request the platform allows (230 s).
    /// </summary>
    public TimeSpan InProgressLease { get; init; } = TimeSpan.FromMinutes(4);
}

/// <summary>A started request's hold on its key.</summary>
public sealed record IdempotencyLease(string CallerId, string Key, string RequestHash, string ETag);

/// <summary>The parts of a response that a replay repeats.</summary>
public sealed record StoredResponse(int StatusCode, string? ContentType, byte[] Body, string? Location)
{
    public static StoredResponse From(ApiResponse response) => new(
        response.StatusCode, response.ContentType, response.Body.ToArray(),
        response.Headers.TryGetValue("Location", out var location) ? location : null);

    public ApiResponse ToResponse()
    {
        var response = new ApiResponse(StatusCode, ContentType, Body);
        if (Location is not null)
            response = response.WithHeader("Location", Location);
        return response.WithHeader("Idempotent-Replayed", "true");
    }
}

public abstract record IdempotencyBegin
{
    private IdempotencyBegin() { }

    /// <summary>This request holds the key: run it, then complete or release.</summary>
    public sealed record Started(IdempotencyLease Lease) : IdempotencyBegin;

    /// <summary>The same request was answered before: return this.</summary>
    public sealed record Replay(StoredResponse Response) : IdempotencyBegin;

    /// <summary>The key was used with a different request (body, route): 409.</summary>
    public sealed record Mismatch : IdempotencyBegin;

    /// <summary>The same request is running right now: 409, retry after the given time.</summary>
    public sealed record InProgress(TimeSpan RetryAfter) : IdempotencyBegin;
}
