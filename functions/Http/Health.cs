using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Functions.Http;

/// <summary><c>GET /api/health</c>: liveness and storage reachability. Anonymous; says nothing about data.</summary>
public sealed class Health(IEnumerable<IDependencyCheck> checks, TimeProvider time, ILogger<Health> logger)
{
    /// <summary>A probe that has not answered by then counts as down: health must answer quickly.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    [Function(nameof(Health))]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(checks.Select(check => ProbeAsync(check, cancellationToken))).ConfigureAwait(false);
        var healthy = results.All(result => result.Status == DependencyStatus.Up);
        var report = new HealthReport(
            healthy ? DependencyStatus.Up : DependencyStatus.Down,
            time.GetUtcNow(),
            results.ToDictionary(result => result.Name, result => result.Status));

        if (healthy)
            return ApiResponse.Ok(report).WithHeader("Cache-Control", "no-store");

        logger.LogWarning(LogEvents.HealthDegraded, "Health check failed for {Dependencies}",
            string.Join(",", results.Where(result => result.Status != DependencyStatus.Up).Select(result => result.Name)));
        return ApiResponse.Json(StatusCodes.Status503ServiceUnavailable, report)
            .WithHeader("Retry-After", Problems.RetryAfterSeconds(ApiEndpoint.RetryAfterUnavailable))
            .WithHeader("Cache-Control", "no-store");
    }

    private async Task<(string Name, DependencyStatus Status)> ProbeAsync(IDependencyCheck check, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await check.ProbeAsync(timeout.Token).ConfigureAwait(false);
            return (check.Name, DependencyStatus.Up);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(LogEvents.StorageUnavailable, exception, "Dependency {Dependency} is down", check.Name);
            return (check.Name, DependencyStatus.Down);
        }
    }
}

public enum DependencyStatus
{
    Up,
    Down,
}

public sealed record HealthReport(DependencyStatus Status, DateTimeOffset CheckedAt, IReadOnlyDictionary<string, DependencyStatus> Dependencies);
