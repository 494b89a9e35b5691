using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Functions.Workflows.Reports;

namespace RpsServerless.Functions.Http;

/// <summary>
/// The reports of a live data cut (api.md): CONSORT flow, survival per endpoint, safety and tolerance, enrollment,
/// and the ADTTE analysis dataset. Trial-wide routes (<c>ReadReports</c>, <c>ExportData</c>): aggregates and study
/// ids only.
/// </summary>
public sealed class Reports(
    ApiEndpoint endpoint,
    ReadConsortFlow consort,
    ReadSurvivalReport survival,
    ReadSafetyReport safety,
    ReadEnrollmentReport enrollment,
    ExportAdtte adtte)
{
    [Function(nameof(ConsortReport))]
    public Task<IResult> ConsortReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/consort")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async (caller, ct) => await consort.RunAsync(caller, Single(request, "siteId"), diagram: false, ct), cancellationToken);

    [Function(nameof(ConsortDiagram))]
    public Task<IResult> ConsortDiagram(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/consort.svg")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async (caller, ct) => await consort.RunAsync(caller, Single(request, "siteId"), diagram: true, ct), cancellationToken);

    [Function(nameof(SurvivalReport))]
    public Task<IResult> SurvivalReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/survival")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async (caller, ct) => await survival.RunAsync(caller, Single(request, "endpoint"), plot: false, ct), cancellationToken);

    [Function(nameof(SurvivalPlot))]
    public Task<IResult> SurvivalPlot(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/survival.svg")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async (caller, ct) => await survival.RunAsync(caller, Single(request, "endpoint"), plot: true, ct), cancellationToken);

    [Function(nameof(SafetyReport))]
    public Task<IResult> SafetyReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/safety")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async ct => await safety.RunAsync(ct), cancellationToken);

    [Function(nameof(EnrollmentReport))]
    public Task<IResult> EnrollmentReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/enrollment")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async ct => await enrollment.RunAsync(ct), cancellationToken);

    [Function(nameof(ExportAdtte))]
    public Task<IResult> ExportAdtte(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "exports/adtte.csv")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async (caller, ct) => await adtte.RunAsync(caller, ct), cancellationToken);

    /// <summary>A query parameter's value; given twice it is ambiguous and read as absent-or-invalid by the workflow.</summary>
    private static string? Single(HttpRequest request, string name) =>
        request.Query[name] is { Count: 1 } values && !string.IsNullOrEmpty(values[0]) ? values[0] : request.Query[name].Count > 1 ? "" : null;
}
