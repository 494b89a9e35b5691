using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Core.Screening;
using RpsServerless.Functions.Storage.Screenings;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Http;

/// <summary>Screenings: submit one, read one, list a site's log.</summary>
public sealed class Screenings(ApiEndpoint endpoint, SubmitScreening submit, ReadScreenings read)
{
    [Function(nameof(SubmitScreening))]
    public Task<IResult> SubmitScreening(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "screenings")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.PostAsync(request, async (caller, body, ct) =>
            await submit.RunAsync(caller, body.Bytes, ct).ConfigureAwait(false) switch
            {
                ScreeningSubmissionResult.Denied denied => denied.Response,
                ScreeningSubmissionResult.Stored stored => ApiResponse.Created(
                    $"/api/screenings/{stored.Screening.ScreeningId}", ScreeningResultBody.From(stored.Screening)),
                ScreeningSubmissionResult.Invalid invalid => Problems.Validation(request.HttpContext, invalid.Errors),
                _ => throw new InvalidOperationException("Unknown screening submission result."),
            }, cancellationToken);

    [Function(nameof(GetScreening))]
    public Task<IResult> GetScreening(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "screenings/{screeningId}")] HttpRequest request,
        string screeningId, CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async (caller, ct) => await read.GetAsync(caller, screeningId, ct).ConfigureAwait(false), cancellationToken);

    [Function(nameof(ListSiteScreenings))]
    public Task<IResult> ListSiteScreenings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sites/{siteId}/screenings")] HttpRequest request,
        string siteId, CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async ct =>
        {
            var query = new Query(request);
            var filter = new ScreeningLogFilter(query.Enumeration<EligibilityOutcome>("outcome"), query.Date("from"), query.Date("to"));
            var token = query.ContinuationToken(IScreeningStore.IsValidContinuationToken);
            var pageSize = query.PageSize();
            if (filter is { From: { } from, To: { } to } && from > to)
                query.Errors.Add(new Core.FieldError("to", "'to' must not be before 'from'."));
            if (query.Errors.Count > 0)
                return Problems.Validation(request.HttpContext, query.Errors);

            return await read.ListBySiteAsync(siteId, filter, token, pageSize, ct).ConfigureAwait(false) is { } page
                ? ApiResponse.Ok(new PageBody<ScreeningLogEntry>(page.Items.Select(ScreeningLogEntry.From).ToList(), page.ContinuationToken))
                : Security.AccessProblems.NotFound(request.HttpContext);
        }, cancellationToken);
}
