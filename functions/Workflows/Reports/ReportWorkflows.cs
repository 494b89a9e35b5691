using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Core;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Reports;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Workflows.Reports;

/// <summary>How every report is answered: the report's own JSON or SVG, never cached (it is a live data cut).</summary>
public static class ReportResponses
{
    public const string SvgContentType = "image/svg+xml; charset=utf-8";
    public const string CsvContentType = "text/csv; charset=utf-8";

    /// <summary>The data cut instant and protocol version, also as headers, for the SVG and CSV that cannot carry them in a field.</summary>
    public const string DataCutHeader = "X-Data-Cut-At";
    public const string ProtocolVersionHeader = "X-Protocol-Version";

    public static ApiResponse Json<T>(T report, DataCut cut) =>
        Stamped(new ApiResponse(StatusCodes.Status200OK, ApiResponse.JsonContentType, JsonSerializer.SerializeToUtf8Bytes(report, ReportJson.Options)), cut);

    public static ApiResponse Svg(string svg, DataCut cut) =>
        Stamped(new ApiResponse(StatusCodes.Status200OK, SvgContentType, Encoding.UTF8.GetBytes(svg)), cut);

    public static ApiResponse Stamped(ApiResponse response, DataCut cut) => response
        .WithHeader("Cache-Control", "no-store")
        .WithHeader(DataCutHeader, Instant(cut.At))
        .WithHeader(ProtocolVersionHeader, cut.ProtocolVersion);

    public static string Instant(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>endpoint=pfs|os</c>, exactly as the contract spells them; anything else is a 400 naming the choices.</summary>
    public static bool TryEndpoint(string? value, out SurvivalEndpoint endpoint, out FieldError? error)
    {
        error = null;
        if (value is not null && ContractName.TryParse(value, out endpoint)) return true;
        endpoint = default;
        error = new FieldError("endpoint", value is null
            ? "Required: pfs (progression-free survival) or os (overall survival)."
            : "Must be pfs (progression-free survival) or os (overall survival).");
        return false;
    }
}

/// <summary><c>GET /api/reports/consort</c> and <c>consort.svg</c>: the CONSORT flow of the trial, or of one site.</summary>
public sealed class ReadConsortFlow(ProtocolDefinition protocol, LoadDataCut load, ILogger<ReadConsortFlow> logger)
{
    public async Task<ApiResponse> RunAsync(CallerContext caller, string? siteId, bool diagram, CancellationToken cancellationToken)
    {
        if (siteId is not null && protocol.FindSite(siteId) is null)
            return Problems.Validation(caller.Http, [new FieldError("siteId", "Not a site of the protocol.")]);
        var cut = await load.RunAsync(cancellationToken).ConfigureAwait(false);
        var flow = ConsortFlow.Build(cut.Protocol, cut.Screenings, cut.Participants, cut.At, siteId);
        logger.LogInformation(LogEvents.ReportServed, "CONSORT flow of {DataCutAt} served ({Format})", cut.At, diagram ? "svg" : "json");
        return diagram ? ReportResponses.Svg(ConsortDiagram.Render(flow), cut) : ReportResponses.Json(flow, cut);
    }
}

/// <summary><c>GET /api/reports/survival?endpoint=pfs|os</c> and <c>survival.svg</c>: Kaplan–Meier per arm and the log-rank test.</summary>
public sealed class ReadSurvivalReport(LoadDataCut load, ILogger<ReadSurvivalReport> logger)
{
    public async Task<ApiResponse> RunAsync(CallerContext caller, string? endpointName, bool plot, CancellationToken cancellationToken)
    {
        if (!ReportResponses.TryEndpoint(endpointName, out var endpoint, out var error))
            return Problems.Validation(caller.Http, [error!]);
        var cut = await load.RunAsync(cancellationToken).ConfigureAwait(false);
        var report = SurvivalReport.Build(cut.Protocol, endpoint, cut.Times(endpoint), cut.At);
        logger.LogInformation(LogEvents.ReportServed, "Survival report {Endpoint} of {DataCutAt} served", endpointName, cut.At);
        return plot ? ReportResponses.Svg(KaplanMeierPlot.Render(report), cut) : ReportResponses.Json(report, cut);
    }
}

/// <summary>
/// <c>GET /api/reports/safety</c>: adverse events per arm by worst grade and seriousness, and the tolerance of the
/// neoadjuvant regimen (protocol.md §6), with the data cut they were computed at.
/// </summary>
public sealed record SafetyReportView(
    string ProtocolVersion,
    [property: JsonConverter(typeof(UtcInstantJsonConverter))] DateTimeOffset DataCutAt,
    IReadOnlyList<ArmSafety> Arms,
    ToleranceSummary NeoadjuvantTolerance);

public sealed class ReadSafetyReport(LoadDataCut load, ILogger<ReadSafetyReport> logger)
{
    public async Task<ApiResponse> RunAsync(CancellationToken cancellationToken)
    {
        var cut = await load.RunAsync(cancellationToken).ConfigureAwait(false);
        var tolerance = cut.NeoadjuvantCourses.Select(c => Tolerance.Of(c, cut.Protocol)).ToArray();
        var report = SafetySummary.Report(cut.Safety, tolerance, cut.Protocol.Arms.Select(a => a.Id).ToArray(), Tolerance.PlannedCycles(cut.Protocol));
        logger.LogInformation(LogEvents.ReportServed, "Safety report of {DataCutAt} served", cut.At);
        return ReportResponses.Json(new SafetyReportView(cut.ProtocolVersion, cut.At, report.Arms, report.NeoadjuvantTolerance), cut);
    }
}

/// <summary><c>GET /api/reports/enrollment</c>: allocations by site, stratum and arm, and baseline balance.</summary>
public sealed class ReadEnrollmentReport(LoadDataCut load, ILogger<ReadEnrollmentReport> logger)
{
    public async Task<ApiResponse> RunAsync(CancellationToken cancellationToken)
    {
        var cut = await load.RunAsync(cancellationToken).ConfigureAwait(false);
        var report = EnrollmentReport.Build(cut.Protocol, cut.Participants, cut.At);
        logger.LogInformation(LogEvents.ReportServed, "Enrollment report of {DataCutAt} served", cut.At);
        return ReportResponses.Json(report, cut);
    }
}

/// <summary>
/// <c>GET /api/exports/adtte.csv</c>: the ADaM ADTTE dataset of the cut (PFS and OS per participant), byte for byte
/// what <c>rps survival</c> reads. The CSV has exactly the <see cref="Adtte.Columns"/>; the cut instant and protocol
/// version travel in headers and in the file name. The download is recorded in the audit trail before it is answered,
/// with the hash of the very file served.
/// </summary>
public sealed class ExportAdtte(LoadDataCut load, IAuditTrail audit, ILogger<ExportAdtte> logger)
{
    public async Task<ApiResponse> RunAsync(CallerContext caller, CancellationToken cancellationToken)
    {
        var cut = await load.RunAsync(cancellationToken).ConfigureAwait(false);
        var rows = Adtte.Rows(cut.Endpoints());
        var csv = Adtte.ToCsv(rows);
        var stamp = cut.At.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        await audit.RecordAsync(caller.Actor, new AuditChange(AuditActions.ExportDownloaded, "export", $"adtte.csv@{ReportResponses.Instant(cut.At)}")
        {
            After = csv,
            ProtocolVersion = cut.ProtocolVersion,
        }, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.AdtteExported, "ADTTE of {DataCutAt} exported: {Rows} rows", cut.At, rows.Count);
        return ReportResponses.Stamped(new ApiResponse(StatusCodes.Status200OK, ReportResponses.CsvContentType, Encoding.UTF8.GetBytes(csv)), cut)
            .WithHeader("Content-Disposition", $"attachment; filename=\"adtte-{cut.ProtocolVersion}-{stamp}.csv\"");
    }
}
