using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Functions.Http.OpenApi;

namespace RpsServerless.Functions.Http;

/// <summary><c>GET /api/openapi.json</c>: the OpenAPI 3.1 description of this API, for any signed-in caller.</summary>
public sealed class ApiDescription(ApiEndpoint endpoint)
{
    [Function("GetOpenApiDocument")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, _ => Task.FromResult<IResult>(
            new ApiResponse(StatusCodes.Status200OK, ApiResponse.JsonContentType, OpenApiDocumentBuilder.Utf8Json)
                .WithHeader("Cache-Control", "private, max-age=300")), cancellationToken);
}
