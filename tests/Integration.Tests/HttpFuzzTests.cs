using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RpsServerless.DevHost;
using RpsServerless.Functions.Security;
using Xunit.Abstractions;

namespace RpsServerless.Integration.Tests;

/// <summary>Its own Azurite and devhost: the fuzz test writes many records and must not disturb other tests' counts.</summary>
[CollectionDefinition(Name)]
public sealed class FuzzCollection : ICollectionFixture<StorageFixture>
{
    public const string Name = "fuzz";
}

/// <summary>
/// api.md: "Never a 500 for bad input." 10,000 malformed or random bodies (fixed seed) with valid tokens, at every POST
/// route, against real ids so participant routes reach their validators: never a 5xx, and every 4xx is
/// <c>application/problem+json</c> with a <c>traceId</c>.
/// </summary>
[Collection(FuzzCollection.Name)]
public class HttpFuzzTests(StorageFixture storage, ITestOutputHelper output)
{
    private const int Requests = 10_000;
    private const int Seed = 20261130;
    private const int Parallelism = 8;

    private sealed record Target(string Name, string Path, JsonNode Template);

    private sealed record FuzzRequest(int Number, Target Target, string Kind, byte[] Body, string? ContentType, string? IdempotencyKey,
        bool Chunked);

    [Fact]
    public async Task TenThousandMalformedBodies_AtEveryPostRoute_NeverA5xx_AndEvery4xxIsAProblemWithATraceId()
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Parallelism })
        {
            BaseAddress = storage.DevHost.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            storage.DevHost.CreateToken(DevelopmentCaller.Of(Role.Investigator, "PKUIH"), TimeSpan.FromHours(1)));

        var targets = await CreateTargetsAsync(http);
        var random = new Random(Seed);
        var requests = Enumerable.Range(1, Requests).Select(n => Generate(n, random, targets[random.Next(targets.Count)])).ToList();

        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<string, int>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (fuzz, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, fuzz.Target.Path);
            var content = new ByteArrayContent(fuzz.Body);
            if (fuzz.ContentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
            request.Content = content;
            if (fuzz.Chunked) request.Headers.TransferEncodingChunked = true;
            if (fuzz.IdempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", fuzz.IdempotencyKey);

            using var response = await http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate($"{fuzz.Target.Name} {status}", 1, (_, n) => n + 1);
            var body = await response.Content.ReadAsStringAsync(ct);
            var what = $"#{fuzz.Number} {fuzz.Kind} → {fuzz.Target.Name}: {status}";
            if (status >= 500)
                failures.Enqueue($"{what} {Shorten(body)}");
            else if (status >= 400 && !IsProblemWithTraceId(response.Content.Headers.ContentType?.MediaType, body))
                failures.Enqueue($"{what} not a problem with a traceId ({response.Content.Headers.ContentType}): {Shorten(body)}");
        });
        clock.Stop();

        output.WriteLine($"{Requests} requests (seed {Seed}, {Parallelism} in parallel) in {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var (key, count) in statuses.OrderBy(s => s.Key, StringComparer.Ordinal))
            output.WriteLine($"  {key}: {count}");
        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers:\n" + string.Join("\n", failures.Take(25)));
    }

    /// <summary>
    /// Real ids first: an eligible screening left unallocated (the allocation route reaches its body check) and an
    /// allocated participant with an assessment and an adverse event (the update routes reach theirs).
    /// </summary>
    private async Task<List<Target>> CreateTargetsAsync(HttpClient http)
    {
        async Task<JsonElement> PostAsync(string path, string json, HttpStatusCode expected)
        {
            using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"set-up POST {path}: {(int)response.StatusCode} {Shorten(body)}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }

        var submission = AllocationApi.Submission("PKUIH");
        var allocated = (await PostAsync("api/screenings", submission, HttpStatusCode.Created)).GetProperty("screeningId").GetString()!;
        var unallocated = (await PostAsync("api/screenings", submission, HttpStatusCode.Created)).GetProperty("screeningId").GetString()!;
        var participant = (await PostAsync($"api/screenings/{allocated}/allocation", "", HttpStatusCode.Created))
            .GetProperty("participantId").GetString()!;

        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        var scan = $$"""{ "imagingDate": "{{today}}", "result": "stable", "modality": "ct" }""";
        var adverseEvent = $$"""
            { "term": "Febrile neutropenia", "grade": 3, "onsetDate": "{{today}}", "serious": true,
              "seriousnessCriteria": ["hospitalisation"],
              "relatedness": { "doxorubicin": "probable", "ifosfamide": "possible", "anlotinib": "unlikely", "surgery": null },
              "actionTaken": "dose_delayed", "outcome": "recovering", "awareAt": "{{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}}" }
            """;
        var pathology = $$"""{ "reportDate": "{{today}}", "histology": "DDLPS", "fnclccGrade": 3 }""";
        var p = $"api/participants/{participant}";
        // The update routes need ids of records that exist; where a route is not open yet (no access rule), its
        // answer is a 403 problem, which this test accepts as well.
        var assessmentId = await TryIdAsync(http, $"{p}/assessments", scan, "assessmentId") ?? "asm_fuzz";
        var adverseEventId = await TryIdAsync(http, $"{p}/adverse-events", adverseEvent, "adverseEventId") ?? "ae_fuzz";

        JsonNode Json(string text) => JsonNode.Parse(text)!;
        return
        [
            new("screenings", "api/screenings", Json(submission)),
            new("allocation", $"api/screenings/{unallocated}/allocation",
                Json("""{ "arm": "neoadjuvant", "basis": "patient_preference", "note": "fuzz" }""")),
            new("visits/C1D1", $"{p}/visits/C1D1", Json($$"""{ "status": "completed", "date": "{{today}}", "data": { "doses": [] } }""")),
            new("visits/SURGERY", $"{p}/visits/SURGERY", Json($$"""{ "status": "completed", "date": "{{today}}", "data": { "resection": "r0" } }""")),
            new("status", $"{p}/status", Json($$"""{ "status": "died", "date": "{{today}}", "cause": "sarcoma" }""")),
            new("assessments", $"{p}/assessments", Json(scan)),
            new("assessments/{id}/corrections", $"{p}/assessments/{assessmentId}/corrections",
                Json($$"""{ "reason": "Read against the wrong baseline", "assessment": {{scan}} }""")),
            new("adverse-events", $"{p}/adverse-events", Json(adverseEvent)),
            new("adverse-events/{id}", $"{p}/adverse-events/{adverseEventId}", Json($$"""{ "change": "follow_up", "event": {{adverseEvent}} }""")),
            new("adverse-events/{id}/sponsor-report", $"{p}/adverse-events/{adverseEventId}/sponsor-report",
                Json($$"""{ "sentAt": "{{DateTime.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}}" }""")),
            new("pathology", $"{p}/pathology", Json(pathology)),
            new("pathology/corrections", $"{p}/pathology/corrections", Json($$"""{ "reason": "Central review", "report": {{pathology}} }""")),
        ];
    }

    private async Task<string?> TryIdAsync(HttpClient http, string path, string json, string property)
    {
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.Created &&
            JsonDocument.Parse(body).RootElement.TryGetProperty(property, out var id) && id.ValueKind == JsonValueKind.String)
            return id.GetString();
        output.WriteLine($"set-up POST {path}: {(int)response.StatusCode}; the update routes get a made-up id");
        return null;
    }

    private static readonly string[] Kinds =
    [
        "random bytes", "truncated JSON", "wrong type", "deep nesting", "huge number", "unknown field", "wrong content type",
        "oversized", "random JSON value", "token soup", "odd encoding", "empty body", "mixed mutations",
    ];

    private static readonly string[] WrongContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=fuzz",
        "application/json; charset=utf-16", "application/json; charset=latin1", "application/octet-stream", "",
        "%%%/;;", "application/", "json", "application/problem+json", "text/json", "application/json; charset=\"",
    ];

    private static readonly string[] HugeNumbers =
    [
        "1e400", "-1e400", "99999999999999999999999999999999999999", "-9223372036854775809", "18446744073709551616",
        "1.7976931348623157e309", "4.9e-400", "0.00000000000000000000000000000000000000000000001", "2147483648", "-2147483649",
        "1" + new string('0', 400), "123456789012345678901234567890.5",
    ];

    private static readonly string[] RandomJson =
    [
        "null", "true", "false", "0", "-1", "\"\"", "\"x\"", "[]", "[null]", "{}", "{\"\":null}", "[{}]", "1.5", "\"\\u0000\"",
    ];

    private static readonly string[] IdempotencyKeyPool = Enumerable.Range(0, 12).Select(i => $"fuzz-key-{i}").ToArray();

    private static FuzzRequest Generate(int number, Random random, Target target)
    {
        var kind = Kinds[random.Next(Kinds.Length)];
        var contentType = "application/json";
        var chunked = false;
        byte[] body;
        switch (kind)
        {
            case "random bytes":
                body = new byte[random.Next(1, 2_000)];
                random.NextBytes(body);
                break;
            case "truncated JSON":
            {
                var text = target.Template.ToJsonString();
                body = Encoding.UTF8.GetBytes(text[..random.Next(1, text.Length - 1)]);
                break;
            }
            case "wrong type":
                body = Mutate(target.Template, random, node => WrongType(node, random));
                break;
            case "deep nesting":
            {
                var depth = random.Next(65, 5_000);
                var text = random.Next(2) == 0
                    ? new string('[', depth) + new string(']', depth)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                if (random.Next(3) == 0) text = text[..(text.Length / 2)]; // and unclosed
                body = Encoding.UTF8.GetBytes(text);
                break;
            }
            case "huge number":
                body = Mutate(target.Template, random, _ => JsonNode.Parse(HugeNumbers[random.Next(HugeNumbers.Length)]));
                break;
            case "unknown field":
            {
                var copy = target.Template.DeepClone();
                var objects = Nodes(copy).OfType<JsonObject>().ToList();
                var name = new[] { "name", "nationalId", "phone", "hospitalRecordNumber", "$type", "__proto__", "", "Arm", "siteid" }[random.Next(9)];
                objects[random.Next(objects.Count)][name + (random.Next(2) == 0 ? "" : random.Next(1000).ToString())] = random.Next(2) == 0 ? "x" : 1;
                body = Encoding.UTF8.GetBytes(copy.ToJsonString());
                break;
            }
            case "wrong content type":
                body = Encoding.UTF8.GetBytes(target.Template.ToJsonString());
                contentType = random.Next(6) == 0 ? null : WrongContentTypes[random.Next(WrongContentTypes.Length)];
                break;
            case "oversized":
            {
                var size = random.Next(64 * 1024 + 1, 160 * 1024);
                body = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', size) + "\"}");
                chunked = random.Next(2) == 0; // no Content-Length: the limit must hold on what arrives
                break;
            }
            case "random JSON value":
                body = Encoding.UTF8.GetBytes(RandomJson[random.Next(RandomJson.Length)]);
                break;
            case "token soup":
            {
                const string alphabet = "{}[]\":,0123456789.eE-+truefalsn \\/\t\n";
                body = Encoding.UTF8.GetBytes(new string(Enumerable.Range(0, random.Next(1, 300)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()));
                break;
            }
            case "odd encoding":
            {
                var text = target.Template.ToJsonString();
                body = random.Next(4) switch
                {
                    0 => Encoding.Unicode.GetBytes(text), // UTF-16 declared as JSON
                    1 => [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)], // two byte order marks
                    2 => Encoding.UTF8.GetBytes(text.Replace("\":", "\":\"\\ud800\",\"x\":", StringComparison.Ordinal)), // lone surrogate
                    _ => [.. Encoding.UTF8.GetBytes(text[..^1]), 0xC3, 0x28, (byte)'}'], // invalid UTF-8
                };
                break;
            }
            case "empty body":
                body = [];
                contentType = random.Next(2) == 0 ? "application/json" : null;
                break;
            default: // mixed mutations: several leaves at once, a duplicate key, then maybe cut
            {
                var copy = target.Template.DeepClone();
                for (var i = random.Next(2, 6); i > 0; i--)
                    Replace(copy, random, node => random.Next(2) == 0 ? WrongType(node, random) : JsonNode.Parse(HugeNumbers[random.Next(HugeNumbers.Length)]));
                var text = copy.ToJsonString();
                text = "{\"siteId\":\"PKUIH\"," + text[1..]; // a duplicate (or unknown) property
                body = Encoding.UTF8.GetBytes(random.Next(3) == 0 ? text[..random.Next(1, text.Length)] : text);
                break;
            }
        }

        string? key = null;
        if (random.Next(4) == 0)
        {
            key = random.Next(3) == 0
                ? IdempotencyKeyPool[random.Next(IdempotencyKeyPool.Length)]
                : new string(Enumerable.Range(0, random.Next(0, 130)).Select(_ => (char)random.Next(0x20, 0x7f)).ToArray());
        }
        return new FuzzRequest(number, target, kind, body, contentType, key, chunked);
    }

    private static byte[] Mutate(JsonNode template, Random random, Func<JsonNode?, JsonNode?> replacement)
    {
        var copy = template.DeepClone();
        Replace(copy, random, replacement);
        return Encoding.UTF8.GetBytes(copy.ToJsonString());
    }

    /// <summary>Replaces one randomly chosen member or element (at any depth) of <paramref name="root"/>.</summary>
    private static void Replace(JsonNode root, Random random, Func<JsonNode?, JsonNode?> replacement)
    {
        var slots = new List<(JsonNode Parent, string? Name, int Index)>();
        foreach (var node in Nodes(root))
        {
            if (node is JsonObject o) slots.AddRange(o.Select(p => (node, (string?)p.Key, -1)));
            else if (node is JsonArray a) slots.AddRange(Enumerable.Range(0, a.Count).Select(i => (node, (string?)null, i)));
        }
        if (slots.Count == 0) return;
        var (parent, name, index) = slots[random.Next(slots.Count)];
        if (name is not null) parent.AsObject()[name] = replacement(parent[name]?.DeepClone());
        else parent.AsArray()[index] = replacement(parent[index]?.DeepClone());
    }

    private static IEnumerable<JsonNode> Nodes(JsonNode? node)
    {
        if (node is null) yield break;
        yield return node;
        if (node is JsonObject o)
            foreach (var child in o.Select(p => p.Value).ToList())
                foreach (var n in Nodes(child)) yield return n;
        else if (node is JsonArray a)
            foreach (var child in a.ToList())
                foreach (var n in Nodes(child)) yield return n;
    }

    /// <summary>A value of another JSON type than <paramref name="node"/> (never null, which may be a valid "unknown").</summary>
    private static JsonNode WrongType(JsonNode? node, Random random)
    {
        JsonNode[] choices = node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => [12345, true, new JsonArray(), new JsonObject(), -0.5],
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => ["12", true, new JsonArray(1), new JsonObject(), "1e3"],
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => ["true", 1, 0, new JsonArray(), "yes"],
            JsonObject => ["x", 1, new JsonArray(), false],
            JsonArray => [new JsonObject(), "x", 7],
            _ => [1, "x", new JsonObject(), new JsonArray(), true],
        };
        return choices[random.Next(choices.Length)];
    }

    private static bool IsProblemWithTraceId(string? mediaType, string body)
    {
        if (mediaType != "application/problem+json") return false;
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("traceId", out var traceId) && traceId.ValueKind == JsonValueKind.String &&
                   traceId.GetString()!.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
