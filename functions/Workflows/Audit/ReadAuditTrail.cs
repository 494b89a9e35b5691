using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Core.Audit;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Workflows.Audit;

/// <summary>
/// Reading the audit trail: a page of records (<c>?entity=type[/id]&amp;continuationToken=&amp;pageSize=</c>), or the
/// whole chain as JSON Lines (<see cref="AuditExport"/>) for <c>rps audit verify</c>. Exporting is itself audited.
/// </summary>
public sealed class ReadAuditTrail(IAuditTrail trail, TimeProvider time, ILogger<ReadAuditTrail> logger)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    public async Task<IResult> ListAsync(CallerContext caller, IQueryCollection query, CancellationToken cancellationToken)
    {
        var errors = new List<Core.FieldError>();
        string? entityType = null, entityId = null;
        if (query.TryGetValue("entity", out var entity))
        {
            var parts = (entity.ToString() ?? "").Split('/', 2);
            if (entity.Count != 1 || parts[0].Length == 0 || parts[0].Length > AuditEntry.MaxIdLength ||
                (parts.Length == 2 && (parts[1].Length == 0 || parts[1].Length > AuditEntry.MaxIdLength)))
                errors.Add(new("entity", "Give an entity type, optionally with its id: entity=screening or entity=screening/scr_…"));
            else
                (entityType, entityId) = (parts[0], parts.Length == 2 ? parts[1] : null);
        }
        long after = 0;
        if (query.TryGetValue("continuationToken", out var token) &&
            !long.TryParse(token.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out after))
            errors.Add(new("continuationToken", "Use the continuationToken of the previous page unchanged."));
        var pageSize = DefaultPageSize;
        if (query.TryGetValue("pageSize", out var size) &&
            (!int.TryParse(size.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
            errors.Add(new("pageSize", $"pageSize is a whole number from 1 to {MaxPageSize}."));
        if (errors.Count > 0)
            return Problems.Validation(caller.Http, errors);

        var page = await trail.ListAsync(new AuditQuery(entityType, entityId, after, pageSize), cancellationToken).ConfigureAwait(false);
        return ApiResponse.Ok(page).WithHeader("Cache-Control", "no-store");
    }

    public async Task<IResult> ExportAsync(CallerContext caller, CancellationToken cancellationToken)
    {
        // Recorded first, so the export holds the record of itself.
        var exported = await trail.RecordAsync(caller.Actor,
            new AuditChange(AuditActions.AuditExported, "audit_trail", "export"), cancellationToken).ConfigureAwait(false);
        var head = await trail.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.AuditExported, "Audit trail exported up to {Sequence} by {CallerId}", head.Sequence, caller.Caller.Id);
        return new AuditExportResult(trail, head, time.GetUtcNow(), exported.Sequence);
    }
}

/// <summary>Streams the export: the header line, then every record up to the head, one per line.</summary>
public sealed class AuditExportResult(IAuditTrail trail, AuditHead head, DateTimeOffset exportedAt, long exportSequence)
    : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = AuditExport.MediaType + "; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentDisposition =
            $"attachment; filename=\"natars-audit-{exportSequence.ToString(CultureInfo.InvariantCulture)}.jsonl\"";
        var cancellationToken = httpContext.RequestAborted;
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\n" };
        await writer.WriteLineAsync(AuditExport.Header(head, exportedAt)).ConfigureAwait(false);
        await foreach (var record in trail.ReadChainAsync(head.Sequence, cancellationToken).ConfigureAwait(false))
            await writer.WriteLineAsync(AuditExport.Line(record)).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
