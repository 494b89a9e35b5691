using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Functions.Workflows.Audit;

namespace RpsServerless.Functions.Http;

/// <summary><c>GET /api/audit</c> (paged, filtered by entity) and <c>GET /api/audit/export</c> (JSON Lines): auditors and data managers.</summary>
public sealed class AuditTrailResource(ApiEndpoint endpoint, ReadAuditTrail audit)
{
    [Function("ListAuditRecords")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, (caller, ct) => audit.ListAsync(caller, request.Query, ct), cancellationToken);

    [Function("ExportAuditTrail")]
    public Task<IResult> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit/export")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, (caller, ct) => audit.ExportAsync(caller, ct), cancellationToken);
}
