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
        {
            // The site is in the body: checked once the body is parsed, before anything is stored (403 when out of scope).
            ApiResponse? denied = null;
            return await submit.RunAsync(body.Bytes, ct, site => (denied = caller.RequireSite(site)) is null).ConfigureAwait(false) switch
            {
                ScreeningSubmissionResult.Stored stored => ApiResponse.Created(
                    $"/api/screenings/{stored.Screening.ScreeningId}", ScreeningResultBody.From(stored.Screening)),
                ScreeningSubmissionResult.Invalid invalid => Problems.Validation(request.HttpContext, invalid.Errors),
                ScreeningSubmissionResult.SiteRefused => denied!,
                _ => throw new InvalidOperationException("Unknown screening submission result."),
            };
        }, cancellationToken);

    [Function(nameof(GetScreening))]
    public Task<IResult> GetScreening(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "screenings/{screeningId}")] HttpRequest request,
        string screeningId, CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async ct =>
            await read.FindAsync(screeningId, ct).ConfigureAwait(false) is { } screening
                ? ApiResponse.Ok(ScreeningResultBody.From(screening))
                : Problems.NotFound(request.HttpContext, "No screening has this id."), cancellationToken);

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
                : Problems.NotFound(request.HttpContext, "No site has this id.");
        }, cancellationToken);
}
