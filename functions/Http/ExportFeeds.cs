using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Functions.Workflows.Exports;

namespace RpsServerless.Functions.Http;

/// <summary>Exports: the FHIR R4 bundle of the trial and each site's iCalendar feed of visit windows.</summary>
public sealed class ExportFeeds(ApiEndpoint endpoint, ExportFhir fhir, ExportSiteCalendar calendar)
{
    [Function(nameof(ExportFhir))]
    public Task<IResult> ExportFhir(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "exports/fhir")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async (caller, ct) => await fhir.RunAsync(caller, ct), cancellationToken);

    [Function(nameof(ExportSiteCalendar))]
    public Task<IResult> ExportSiteCalendar(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sites/{siteId}/calendar.ics")] HttpRequest request,
        string siteId, CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async (caller, ct) => await calendar.RunAsync(caller, siteId, ct), cancellationToken);
}
