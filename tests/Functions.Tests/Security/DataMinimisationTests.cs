using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Tests;

/// <summary>Every log line, its structured values, scopes and exceptions, as text: what a log sink would keep.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public string Text => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(category).Append(' ').Append(eventId).Append(' ').Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (key, value) in values) line.Append(' ').Append(key).Append('=').Append(value);
            owner._scopes.ForEachScope((scope, builder) => builder.Append(" scope=").Append(scope is IEnumerable<KeyValuePair<string, object>> kv
                ? string.Join(",", kv.Select(p => p.Key + ":" + p.Value)) : scope), line);
            if (exception is not null) line.Append(' ').Append(exception);
            owner._lines.Enqueue(line.ToString());
        }
    }
}

public class DataMinimisationTests
{
    /// <summary>The API example with values no log line could contain by chance.</summary>
    internal static string DistinctiveSubmission()
    {
        var body = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "screening-submission.json")))!.AsObject();
        body["screenedOn"] = "2026-11-21";
        body["patient"]!["ageYears"] = 67;
        body["tumor"]!["maxDiameterCm"] = 23.75;
        body["mdt"]!["reviewedOn"] = "2026-11-17";
        return body.ToJsonString();
    }

    /// <summary>Clinical values of a body: every leaf except the ids (siteId, screeningNumber), which logs may carry.</summary>
    internal static IEnumerable<string> ClinicalValues(string json)
    {
        static IEnumerable<(string Name, JsonElement Value)> Leaves(JsonElement element, string name) => element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Leaves(p.Value, p.Name)),
            JsonValueKind.Array => element.EnumerateArray().SelectMany(e => Leaves(e, name)),
            _ => [(name, element)],
        };
        using var document = JsonDocument.Parse(json);
        return Leaves(document.RootElement, "$")
            .Where(leaf => leaf.Name is not ("siteId" or "screeningNumber"))
            .Select(leaf => leaf.Value.ValueKind == JsonValueKind.String ? leaf.Value.GetString()! : leaf.Value.GetRawText())
            .Where(text => text.Length >= 4 && text is not ("true" or "false" or "null"))
            .Distinct()
            .ToList();
    }

    [Fact]
    public async Task RequestLogs_CarryNoValueOfTheSubmittedBody()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var endpoint = TestEndpoint.Secured(new InMemoryIdempotencyStore(), factory);
        var submission = DistinctiveSubmission();
        var withName = JsonNode.Parse(submission)!.AsObject();
        withName["patient"]!["name"] = "Zhang Wei";
        var token = TestTokens.Header(TestTokens.For(Role.Coordinator, "PKUIH"));

        async Task Post(string body, string? key, string? authorization)
        {
            var request = TestHttp.Post("/api/screenings", body, idempotencyKey: key);
            if (authorization is not null) request.Headers.Authorization = authorization;
            var result = await endpoint.PostAsync(request, (caller, raw, _) =>
            {
                var parsed = ScreeningSubmissionParser.Parse(raw.Bytes, ProtocolCatalog.Get());
                if (!parsed.IsValid) return Task.FromResult(Problems.Validation(request.HttpContext, parsed.Errors));
                if (caller.RequireSite(parsed.Submission!.SiteId) is { } denied) return Task.FromResult(denied);
                return Task.FromResult(ApiResponse.Created("/api/screenings/scr_1", new { screeningId = "scr_1" }));
            }, CancellationToken.None);
            await TestHttp.ExecuteAsync(result, request);
        }

        await Post(submission, "key-1", token);                                    // 201
        await Post(submission, "key-1", token);                                    // replay
        await Post(submission.Replace("23.75", "23.76"), "key-1", token);           // 409 reuse
        await Post(withName.ToJsonString(), null, token);                          // 400 unknown field
        await Post(submission, null, "Bearer " + submission.Length);               // 401
        await Post(submission, null, TestTokens.Header(TestTokens.For(Role.Statistician))); // 403

        var text = logs.Text;
        Assert.NotEmpty(text);
        Assert.All(ClinicalValues(submission).Append("Zhang Wei").Append("23.76"), value => Assert.DoesNotContain(value, text));
    }
}
