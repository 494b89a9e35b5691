using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using RpsServerless.Functions.Http.Idempotency;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Http.OpenApi;

/// <summary>
/// Writes the OpenAPI 3.1 document of the API from <see cref="ApiCatalog"/> and <see cref="ApiSchemas"/> with
/// OpenAPI.NET. Built once per process: it depends on code only, not on configuration.
/// </summary>
public static class OpenApiDocumentBuilder
{
    public const string SecuritySchemeName = "entraId";
    private const string IdempotencyKeyParameter = "IdempotencyKey";

    private static readonly Lazy<byte[]> Json = new(() => Encoding.UTF8.GetBytes(Serialize(Build())));

    /// <summary>The document as served: UTF-8 JSON.</summary>
    public static ReadOnlyMemory<byte> Utf8Json => Json.Value;

    public static string Serialize(OpenApiDocument document) =>
        document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1).GetAwaiter().GetResult();

    public static OpenApiDocument Build()
    {
        var document = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "NATARS RpsServerless API",
                Version = "1",
                Description = "The HTTP contract (v1) of the NATARS (NCT05844813) backend: screening, allocation, schedules, " +
                              "outcomes, exports and the audit trail. Bodies are JSON (camelCase, enums as snake_case strings, " +
                              "dates YYYY-MM-DD, instants ISO 8601 UTC with Z); unknown properties are rejected (400). Errors " +
                              "are RFC 9457 problem details with a traceId.",
            },
            Servers = [new OpenApiServer { Url = "/" + RouteAccess.RoutePrefix }],
            Paths = new OpenApiPaths(),
            Components = new OpenApiComponents(),
        };
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [SecuritySchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An Entra ID v2.0 access token for the API's app registration (RS256; aud = the API's client id). " +
                              "App roles in 'roles'; coordinators and investigators carry their sites in 'natars_sites'.",
            },
        };
        document.Components.Schemas = ApiSchemas.All(document);
        document.Components.Parameters = new Dictionary<string, IOpenApiParameter>
        {
            [IdempotencyKeyParameter] = new OpenApiParameter
            {
                Name = IdempotencyKey.HeaderName,
                In = ParameterLocation.Header,
                Required = false,
                Description = "1–100 printable characters, scoped to the caller and kept at least 24 hours. The same key with " +
                              "the same body replays the original answer; with a different body it is a 409.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyKey.MaxLength },
            },
        };
        document.Components.Responses = Problems(document);
        document.Tags = new HashSet<OpenApiTag>(ApiCatalog.Operations.Select(o => o.Tag).Distinct().Select(tag => new OpenApiTag { Name = tag }));

        foreach (var group in ApiCatalog.Operations.GroupBy(o => "/" + o.Template, StringComparer.Ordinal))
        {
            var path = new OpenApiPathItem();
            foreach (var operation in group)
                path.AddOperation(new HttpMethod(operation.Method), Operation(operation, document));
            document.Paths.Add(group.Key, path);
        }
        return document;
    }

    private static OpenApiOperation Operation(ApiOperation operation, OpenApiDocument document)
    {
        var result = new OpenApiOperation
        {
            OperationId = operation.OperationId,
            Summary = operation.Summary,
            Tags = new HashSet<OpenApiTagReference> { new(operation.Tag, document) },
            Parameters = [],
            Responses = new OpenApiResponses(),
        };
        foreach (var name in operation.RouteParameters)
            result.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1 },
            });
        foreach (var query in operation.Query ?? [])
            result.Parameters.Add(new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = false,
                Description = query.Description,
                Schema = new OpenApiSchema
                {
                    Type = OpenApiTypeMapper.ToJsonSchemaType(query.Type),
                    Format = query.Format,
                    Enum = query.Values?.Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
                    Minimum = query.Minimum?.ToString(CultureInfo.InvariantCulture),
                    Maximum = query.Maximum?.ToString(CultureInfo.InvariantCulture),
                },
            });
        if (operation.Method == "POST")
            result.Parameters.Add(new OpenApiParameterReference(IdempotencyKeyParameter, document));

        if (operation.Body is { } body)
            result.RequestBody = new OpenApiRequestBody
            {
                Required = !body.Optional,
                Description = body.Description,
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(body.Schema, document) },
                },
            };

        foreach (var success in operation.Success)
        {
            var response = new OpenApiResponse { Description = success.Description };
            if (success.Schema is not null || success.MediaType != "application/json" || operation.OperationId == "GetOpenApiDocument")
                response.Content = new Dictionary<string, IOpenApiMediaType>
                {
                    [success.MediaType] = new OpenApiMediaType
                    {
                        Schema = success.Schema is null ? null : new OpenApiSchemaReference(success.Schema, document),
                    },
                };
            if (success.Location)
                response.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Location"] = new OpenApiHeader { Description = "The created resource.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                };
            result.Responses[success.Status.ToString(CultureInfo.InvariantCulture)] = response;
        }
        foreach (var status in operation.ProblemStatuses())
        {
            var key = status.ToString(CultureInfo.InvariantCulture);
            if (!result.Responses.ContainsKey(key))
                result.Responses[key] = new OpenApiResponseReference(ProblemResponseName(status), document);
        }

        if (!operation.Anonymous)
            result.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [] },
            ];
        return result;
    }

    /// <summary>The problem-details answers (api.md "Errors"), one reusable response each.</summary>
    internal static readonly IReadOnlyDictionary<int, string> ProblemDescriptions = new Dictionary<int, string>
    {
        [400] = "Malformed JSON, wrong types, unknown or missing required fields, values out of range; errors maps field paths to messages.",
        [401] = "No or invalid credentials (WWW-Authenticate: Bearer).",
        [403] = "A valid caller without the role, or naming a site outside the caller's sites.",
        [404] = "Unknown id, or an id of a site the caller may not see (the same answer).",
        [409] = "State conflict (e.g. allocating a screening that is not eligible), or an Idempotency-Key reused with a different body or still in progress.",
        [412] = "If-Match ETag mismatch on an update.",
        [413] = "Body over 64 KiB.",
        [415] = "A body that is not JSON.",
        [503] = "Storage, a queue or the token authority unavailable; nothing half-written (Retry-After set).",
    };

    private static string ProblemResponseName(int status) => "Problem" + status.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, IOpenApiResponse> Problems(OpenApiDocument document) =>
        ProblemDescriptions.ToDictionary(entry => ProblemResponseName(entry.Key), entry =>
        {
            var response = new OpenApiResponse
            {
                Description = entry.Value,
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ApiSchemas.Problem, document) },
                },
            };
            var header = entry.Key switch
            {
                401 => ("WWW-Authenticate", "Bearer, with error=\"invalid_token\" and a fixed description when a token was refused."),
                503 => ("Retry-After", "Seconds to wait before retrying."),
                _ => default((string, string)?),
            };
            if (header is var (name, description))
                response.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    [name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                };
            return (IOpenApiResponse)response;
        });
}
