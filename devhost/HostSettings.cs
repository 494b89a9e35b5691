using System.Globalization;
using System.Text.Json;

namespace RpsServerless.DevHost;

/// <summary>The storage-queue trigger semantics of the Functions host (defaults as documented for host.json 2.0).</summary>
public sealed record QueueHostOptions
{
    public int BatchSize { get; init; } = 16;
    public int NewBatchThreshold { get; init; } = 8;
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a failed message stays invisible before its next attempt.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    public int MaxDequeueCount { get; init; } = 5;
    public bool Base64 { get; init; } = true;

    /// <summary>How long a received message stays invisible while its handler runs; renewed at half-time.</summary>
    public TimeSpan MessageLease { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The first wait after an empty receive; doubles up to <see cref="MaxPollingInterval"/>.</summary>
    public TimeSpan MinPollingInterval { get; init; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>What the devhost takes from <c>host.json</c>: the route prefix and the queue trigger options.</summary>
public sealed record HostSettings(string RoutePrefix, QueueHostOptions Queues)
{
    public const string FileName = "host.json";

    public static HostSettings Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        var extensions = root.TryGetProperty("extensions", out var e) ? e : default;

        var routePrefix = "api";
        if (extensions.ValueKind == JsonValueKind.Object && extensions.TryGetProperty("http", out var http) &&
            http.TryGetProperty("routePrefix", out var prefix))
            routePrefix = prefix.GetString() ?? "";

        var queues = new QueueHostOptions();
        if (extensions.ValueKind == JsonValueKind.Object && extensions.TryGetProperty("queues", out var q))
        {
            queues = queues with
            {
                BatchSize = Int(q, "batchSize") ?? queues.BatchSize,
                NewBatchThreshold = Int(q, "newBatchThreshold") ?? queues.NewBatchThreshold,
                MaxPollingInterval = Time(q, "maxPollingInterval") ?? queues.MaxPollingInterval,
                VisibilityTimeout = Time(q, "visibilityTimeout") ?? queues.VisibilityTimeout,
                MaxDequeueCount = Int(q, "maxDequeueCount") ?? queues.MaxDequeueCount,
                Base64 = !string.Equals(Text(q, "messageEncoding"), "none", StringComparison.OrdinalIgnoreCase),
            };
        }
        return new HostSettings(routePrefix.Trim('/'), queues);
    }

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static TimeSpan? Time(JsonElement element, string name) =>
        Text(element, name) is { } text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : null;
}
