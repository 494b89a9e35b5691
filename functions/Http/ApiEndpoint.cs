using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Core;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http.Idempotency;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Functions.Http;

/// <summary>
/// What every resource function does around its one workflow call: access control first (<see cref="ApiAccess"/>:
/// bearer token 401, the route's permission from <see cref="RouteAccess"/> 403, the route's site 404), then read the
/// body within limits (413/415), parse JSON into field errors (400), honour <c>Idempotency-Key</c> (replay/409), and
/// turn failures into problem details — storage unavailable → 503 + Retry-After, anything unexpected → 500 without
/// internals. A resource function stays one line:
/// <c>=> endpoint.PostJsonAsync&lt;T&gt;(request, (caller, body, ct) => workflow.RunAsync(caller, body, ct), ct)</c>;
/// the overloads without a <see cref="CallerContext"/> are access-controlled the same way.
/// </summary>
public sealed class ApiEndpoint(IIdempotencyStore idempotency, ICallerIdentity caller, ILogger<ApiEndpoint> logger, IAccessGate access)
{
    /// <summary>Suggested wait before retrying after storage was unreachable.</summary>
    public static readonly TimeSpan RetryAfterUnavailable = TimeSpan.FromSeconds(5);

    /// <summary>A read (GET): access checked, failures mapped, no body, no idempotency.</summary>
    public Task<IResult> GetAsync(HttpRequest request, Func<CancellationToken, Task<IResult>> handle,
        CancellationToken cancellationToken) =>
        GetAsync(request, (_, ct) => handle(ct), cancellationToken);

    /// <summary>A read (GET) whose handler receives the authenticated caller.</summary>
    public async Task<IResult> GetAsync(HttpRequest request, Func<CallerContext, CancellationToken, Task<IResult>> handle,
        CancellationToken cancellationToken)
    {
        try
        {
            var decision = await access.CheckAsync(request, cancellationToken).ConfigureAwait(false);
            if (decision.Rejection is not null)
                return decision.Rejection;
            var result = await handle(decision.Context!, cancellationToken).ConfigureAwait(false);
            return SiteCheckEnforced(decision.Context!, result);
        }
        catch (Exception exception) when (!IsCallerGone(exception, cancellationToken))
        {
            return Failure(request.HttpContext, exception);
        }
    }

    /// <summary>A POST with a JSON body of type <typeparamref name="T"/>; a body that does not fit is a 400 with field errors.</summary>
    public Task<IResult> PostJsonAsync<T>(HttpRequest request, Func<T, CancellationToken, Task<ApiResponse>> handle,
        CancellationToken cancellationToken) where T : class =>
        PostJsonAsync<T>(request, (_, body, ct) => handle(body, ct), cancellationToken);

    /// <summary>A POST with a JSON body of type <typeparamref name="T"/> whose handler receives the authenticated caller.</summary>
    public Task<IResult> PostJsonAsync<T>(HttpRequest request, Func<CallerContext, T, CancellationToken, Task<ApiResponse>> handle,
        CancellationToken cancellationToken) where T : class =>
        PostAsync(request, (callerContext, body, ct) =>
        {
            if (body.IsEmpty)
                return Task.FromResult(Problems.BadRequest(request.HttpContext, "A JSON body is required.", "$"));
            return ApiJson.TryDeserialize<T>(body.Bytes, out var value, out var errors)
                ? handle(callerContext, value!, ct)
                : Task.FromResult(Problems.Validation(request.HttpContext, errors));
        }, cancellationToken);

    /// <summary>A POST: the raw body (possibly empty) reaches <paramref name="handle"/>; see the overload with a caller.</summary>
    public Task<IResult> PostAsync(HttpRequest request, Func<RequestBody, CancellationToken, Task<ApiResponse>> handle,
        CancellationToken cancellationToken) =>
        PostAsync(request, (_, body, ct) => handle(body, ct), cancellationToken);

    /// <summary>
    /// A POST: the raw body (possibly empty) reaches <paramref name="handle"/> after the size and media-type checks,
    /// inside the idempotency guard when the caller sent a key.
    /// </summary>
    public async Task<IResult> PostAsync(HttpRequest request, Func<CallerContext, RequestBody, CancellationToken, Task<ApiResponse>> handle,
        CancellationToken cancellationToken)
    {
        var context = request.HttpContext;
        IdempotencyLease? lease = null;
        try
        {
            // Before the body is read: an unauthenticated caller costs no more than a header check.
            var decision = await access.CheckAsync(request, cancellationToken).ConfigureAwait(false);
            if (decision.Rejection is not null)
                return decision.Rejection;
            var callerContext = decision.Context!;

            var read = await RequestBody.ReadAsync(request, cancellationToken).ConfigureAwait(false);
            if (read.Rejection is not null)
                return Rejected(read.Rejection);

            var (key, keyRejection) = IdempotencyKey.Read(request);
            if (keyRejection is not null)
                return Rejected(keyRejection);
            if (key is null)
                return SiteCheckEnforced(callerContext, await handle(callerContext, read.Body!, cancellationToken).ConfigureAwait(false));

            var callerId = caller.GetCallerId(request);
            var hash = IdempotencyKey.RequestHash(request, read.Body!.Bytes);
            switch (await idempotency.BeginAsync(callerId, key, hash, cancellationToken).ConfigureAwait(false))
            {
                case IdempotencyBegin.Replay replay:
                    logger.LogInformation(LogEvents.IdempotentReplay, "Replayed the stored response {StatusCode}",
                        replay.Response.StatusCode);
                    return replay.Response.ToResponse();
                case IdempotencyBegin.Mismatch:
                    logger.LogWarning(LogEvents.IdempotencyKeyReused, "Idempotency-Key reused with a different request");
                    return Problems.Create(context, StatusCodes.Status409Conflict, ProblemTypes.IdempotencyKeyReused,
                        "Idempotency-Key reused.", "This Idempotency-Key was used with a different request body or route.");
                case IdempotencyBegin.InProgress inProgress:
                    logger.LogInformation(LogEvents.IdempotencyInProgress, "A request with the same Idempotency-Key is still running");
                    return Problems.Create(context, StatusCodes.Status409Conflict, ProblemTypes.IdempotencyInProgress,
                            "Request in progress.", "A request with this Idempotency-Key is still being processed. Retry later.")
                        .WithHeader("Retry-After", Problems.RetryAfterSeconds(inProgress.RetryAfter));
                case IdempotencyBegin.Started started:
                    lease = started.Lease;
                    break;
            }

            var response = SiteCheckEnforced(callerContext, await handle(callerContext, read.Body, cancellationToken).ConfigureAwait(false));
            if (response.StatusCode >= 500)
            {
                await ReleaseQuietlyAsync(lease!).ConfigureAwait(false);
                return response;
            }
            await StoreQuietlyAsync(lease!, response).ConfigureAwait(false);
            return response;
        }
        catch (Exception exception)
        {
            if (lease is not null)
                await ReleaseQuietlyAsync(lease).ConfigureAwait(false);
            if (IsCallerGone(exception, cancellationToken))
                throw;
            return Failure(context, exception);
        }
    }

    /// <summary>
    /// A route whose site only the handler can know (<see cref="SiteScope.Resource"/>, <see cref="SiteScope.Body"/>)
    /// must have called <see cref="CallerContext.RequireSite"/> before succeeding; if it did not, the answer is
    /// withheld (500, logged as an error) rather than risk another site's data reaching the caller.
    /// </summary>
    private T SiteCheckEnforced<T>(CallerContext callerContext, T result) where T : IResult
    {
        if (callerContext.Rule.Site is not (SiteScope.Resource or SiteScope.Body) || callerContext.SiteChecked)
            return result;
        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        if (status >= 400)
            return result;
        logger.LogError(LogEvents.SiteCheckMissing, "Handler of {Route} answered {StatusCode} without checking the site; withheld",
            callerContext.Rule.Key, status);
        return (T)(IResult)Problems.Internal(callerContext.Http);
    }

    private ApiResponse Rejected(ApiResponse rejection)
    {
        logger.LogInformation(LogEvents.RequestRejected, "Request rejected with {StatusCode}", rejection.StatusCode);
        return rejection;
    }

    private ApiResponse Failure(HttpContext context, Exception exception)
    {
        if (StorageFailures.IsUnavailable(exception))
        {
            logger.LogWarning(LogEvents.StorageUnavailable, exception, "Storage unavailable; answered 503");
            return Problems.ServiceUnavailable(context, RetryAfterUnavailable);
        }
        if (exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            return Rejected(Problems.PayloadTooLarge(context, RequestBody.MaxBytes));
        if (exception is BadHttpRequestException badRequest)
            return Rejected(Problems.Create(context, badRequest.StatusCode, ProblemTypes.BadRequest, "Bad request.",
                "The request could not be read."));

        logger.LogError(LogEvents.UnhandledException, exception, "Unhandled exception; answered 500");
        return Problems.Internal(context);
    }

    /// <summary>
    /// The work is done: the caller gets its answer even if storing it for replay fails. The key then stays "in
    /// progress" until its lease ends, after which a retry runs again — workflows are idempotent for that reason.
    /// </summary>
    private async Task StoreQuietlyAsync(IdempotencyLease lease, ApiResponse response)
    {
        try
        {
            await idempotency.CompleteAsync(lease, StoredResponse.From(response), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (StorageFailures.IsUnavailable(exception))
        {
            logger.LogWarning(LogEvents.IdempotencyResponseNotStored, exception,
                "Response {StatusCode} not stored for replay: storage unavailable", response.StatusCode);
        }
    }

    private async Task ReleaseQuietlyAsync(IdempotencyLease lease)
    {
        try
        {
            await idempotency.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The lease expires on its own (IdempotencyOptions.InProgressLease); until then a retry gets 409.
            logger.LogWarning(LogEvents.IdempotencyReleaseFailed, exception, "Could not release an idempotency key");
        }
    }

    private static bool IsCallerGone(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;
}
