using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using RpsServerless.Bench.Load;

// The devhost load benchmark. bench/load.sh builds Release, starts Azurite and the devhost, and runs:
//   RpsServerless.Bench.Load --api http://127.0.0.1:PORT/api/ --devhost-pid PID [--doc docs/performance.md] …
// with the coordinator token in BENCH_TOKEN and Azurite's connection string in BENCH_STORAGE. Traffic goes to
// 127.0.0.1 only; every loop is bounded by a count and a time, so the program always ends by itself.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var options = LoadOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}
return await LoadBenchmark.RunAsync(options);

namespace RpsServerless.Bench.Load
{
    public sealed record LoadOptions
    {
        public const string Usage =
            "usage: RpsServerless.Bench.Load --api http://127.0.0.1:PORT/api/ --devhost-pid PID [--clients 32] [--seconds 20] " +
            "[--max-submissions 20000] [--allocations 400] [--allocation-clients 8] [--baseline-seconds 10] [--doc FILE] " +
            "[--schedule-polls on|off] [--drain-seconds 300] [--azurite-version V] [--commit C]   (env: BENCH_TOKEN, BENCH_STORAGE)";

        public required Uri Api { get; init; }
        public required int DevHostPid { get; init; }
        public required string Token { get; init; }
        public required string Storage { get; init; }
        public int Clients { get; init; } = 32;
        public int Seconds { get; init; } = 20;
        public int MaxSubmissions { get; init; } = 20_000;
        public int Allocations { get; init; } = 400;
        public int AllocationClients { get; init; } = 8;
        public int BaselineSeconds { get; init; } = 10;
        /// <summary>Off: allocations are not followed by schedule reads (a diagnostic: the allocation path without them).</summary>
        public bool SchedulePolls { get; init; } = true;
        /// <summary>How long to wait for the queues to drain before the second peer run; 0 does not wait.</summary>
        public int DrainSeconds { get; init; } = 300;
        public string? Doc { get; init; }
        public string AzuriteVersion { get; init; } = "?";
        public string Commit { get; init; } = "?";

        public static LoadOptions? Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal)) return null;
                values[args[i][2..]] = args[i + 1];
            }
            if (args.Length % 2 != 0) return null;
            var token = Environment.GetEnvironmentVariable("BENCH_TOKEN");
            var storage = Environment.GetEnvironmentVariable("BENCH_STORAGE");
            if (!values.TryGetValue("api", out var api) || !values.TryGetValue("devhost-pid", out var pid) ||
                string.IsNullOrWhiteSpace(token) || string.IsNullOrWhiteSpace(storage))
                return null;
            var uri = new Uri(api.EndsWith('/') ? api : api + "/");
            if (!IPAddress.TryParse(uri.Host, out var address) || !IPAddress.IsLoopback(address))
            {
                Console.Error.WriteLine("--api must be a loopback address: this benchmark sends load to 127.0.0.1 only.");
                return null;
            }
            int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            return new LoadOptions
            {
                Api = uri,
                DevHostPid = int.Parse(pid, CultureInfo.InvariantCulture),
                Token = token.Trim(),
                Storage = storage,
                Clients = Int("clients", 32),
                Seconds = Math.Clamp(Int("seconds", 20), 1, 300),
                MaxSubmissions = Int("max-submissions", 20_000),
                Allocations = Math.Clamp(Int("allocations", 400), 1, 5_000),
                AllocationClients = Int("allocation-clients", 8),
                BaselineSeconds = Math.Clamp(Int("baseline-seconds", 10), 1, 120),
                SchedulePolls = values.GetValueOrDefault("schedule-polls", "on") != "off",
                DrainSeconds = Math.Clamp(Int("drain-seconds", 300), 0, 600),
                Doc = values.GetValueOrDefault("doc"),
                AzuriteVersion = values.GetValueOrDefault("azurite-version") ?? "?",
                Commit = values.GetValueOrDefault("commit") ?? "?",
            };
        }
    }

    /// <summary>What one run measured, with the load average around each phase.</summary>
    public sealed record LoadFigures
    {
        public int Clients { get; init; }
        public int Submissions { get; init; }
        public double SubmissionSeconds { get; init; }
        public double SubmissionsPerSecond { get; init; }
        public double SubmitP50 { get; init; }
        public double SubmitP95 { get; init; }
        public double SubmitP99 { get; init; }
        public string SubmitStatuses { get; init; } = "";
        public int SubmitFailures { get; init; }
        public int AllocationClients { get; init; }
        public int Allocated { get; init; }
        public double AllocationSeconds { get; init; }
        public double AllocationsPerSecond { get; init; }
        public double AllocateP50 { get; init; }
        public double AllocateP95 { get; init; }
        public string AllocateStatuses { get; init; } = "";
        public int AllocateFailures { get; init; }
        public double BaselineBefore { get; init; }
        public double BaselineAfter { get; init; }
        public int BaselineConflictsBefore { get; init; }
        public int BaselineConflictsAfter { get; init; }
        public double BaselineMean => (BaselineBefore + BaselineAfter) / 2;
        public double AllocationRatio => AllocationsPerSecond / BaselineMean;
        public int ScheduleSamples { get; init; }
        public int ScheduleTimeouts { get; init; }
        public double ScheduleP50 { get; init; }
        public double ScheduleP95 { get; init; }
        public double PeakRssMiB { get; init; }
        public double HighWaterMiB { get; init; }
        public double IdleRssMiB { get; init; }
        public string LoadBefore { get; init; } = "";
        public string LoadSubmissions { get; init; } = "";
        public string LoadAllocations { get; init; } = "";
        /// <summary>Seconds from the last allocation's answer until the queue handlers were done; null if not within the deadline.</summary>
        public double? DrainedSeconds { get; init; }
    }

    public static class LoadBenchmark
    {
        public const double TargetSubmissionsPerSecond = 200;
        public const double TargetSubmitP95 = 150;
        public const double TargetAllocationRatio = 0.5;
        public const double TargetScheduleP95 = 2_000;
        public const double TargetPeakRssMiB = 300;

        private const string BaselineTable = "BenchConditionalUpdates";
        private static readonly string[] Sites = ["PKUIH", "BFH", "XJTU1", "PKUFH", "FUSCC", "ZSH", "QDUAH"];
        private static readonly TimeSpan ScheduleDeadline = TimeSpan.FromSeconds(30);
        private static readonly TimeSpan SchedulePollInterval = TimeSpan.FromMilliseconds(50);

        public static async Task<int> RunAsync(LoadOptions options)
        {
            using var http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = Math.Max(options.Clients, options.AllocationClients) * 2,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            })
            {
                BaseAddress = options.Api,
                Timeout = TimeSpan.FromSeconds(30),
            };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
            var template = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "screening-submission.json")))!;
            var numbers = 0;
            string Submission()
            {
                var n = Interlocked.Increment(ref numbers);
                var site = Sites[n % Sites.Length];
                // Two days back in UTC is in the past at every site; the sample is eligible, stratum DDLPS.
                var date = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var body = template.DeepClone();
                body["siteId"] = site;
                body["screeningNumber"] = $"{site}-S-{n:D6}";
                body["screenedOn"] = date;
                body["mdt"]!["reviewedOn"] = date;
                return body.ToJsonString();
            }

            await using var memory = new ProcessMemory(options.DevHostPid);
            var loadBefore = LoadAverage();
            memory.Read();
            var idle = memory.LastRssKiB;

            Console.Error.WriteLine("Warm-up: 200 screenings, 8 clients (not measured)…");
            await SubmitAsync(http, Submission, clients: 8, TimeSpan.FromSeconds(30), max: 200, new Latencies(), ids: null);

            Console.Error.WriteLine($"Screening submissions: {options.Clients} clients for {options.Seconds} s (at most {options.MaxSubmissions})…");
            var submit = new Latencies();
            var submitClock = Stopwatch.StartNew();
            await SubmitAsync(http, Submission, options.Clients, TimeSpan.FromSeconds(options.Seconds), options.MaxSubmissions, submit, ids: null);
            var submitSeconds = submitClock.Elapsed.TotalSeconds;
            var loadSubmissions = LoadAverage();

            Console.Error.WriteLine($"Pre-submitting {options.Allocations} eligible DDLPS screenings for allocation…");
            var eligible = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var presubmit = new Latencies();
            await SubmitAsync(http, Submission, options.Clients, TimeSpan.FromSeconds(120), options.Allocations, presubmit, eligible);
            if (eligible.Count < options.Allocations)
                Console.Error.WriteLine($"  only {eligible.Count} screenings were stored ({presubmit.StatusSummary()})");

            var table = new TableServiceClient(options.Storage).GetTableClient(BaselineTable);
            await table.CreateIfNotExistsAsync();
            Console.Error.WriteLine($"Azurite conditional single-entity updates, {options.AllocationClients} writers, {options.BaselineSeconds} s (before)…");
            var (before, conflictsBefore) = await ConditionalUpdatesAsync(table, options.AllocationClients, TimeSpan.FromSeconds(options.BaselineSeconds), "before");

            Console.Error.WriteLine($"Allocating {eligible.Count} screenings with {options.AllocationClients} clients; polling each schedule…");
            memory.ResetMax();
            var allocate = new Latencies();
            var schedule = new Latencies();
            var scheduleTimeouts = 0;
            var polls = new System.Collections.Concurrent.ConcurrentBag<Task>();
            var allocateClock = Stopwatch.StartNew();
            var allocationDeadline = TimeSpan.FromSeconds(180);
            await Task.WhenAll(Enumerable.Range(0, options.AllocationClients).Select(_ => Task.Run(async () =>
            {
                while (allocateClock.Elapsed < allocationDeadline && eligible.TryDequeue(out var screeningId))
                {
                    var (status, body, ms) = await SendAsync(http, HttpMethod.Post, $"screenings/{screeningId}/allocation", null);
                    allocate.Count(status);
                    if (status != 201) continue;
                    allocate.Add(ms);
                    if (!options.SchedulePolls) continue;
                    var allocatedAt = Stopwatch.GetTimestamp();
                    var participantId = JsonDocument.Parse(body).RootElement.GetProperty("participantId").GetString()!;
                    polls.Add(Task.Run(async () =>
                    {
                        if (await PollScheduleAsync(http, participantId, allocatedAt) is { } visible)
                            schedule.Add(visible);
                        else
                            Interlocked.Increment(ref scheduleTimeouts);
                    }));
                }
            })));
            var allocateSeconds = allocateClock.Elapsed.TotalSeconds;
            await Task.WhenAll(polls);
            var loadAllocations = LoadAverage();

            Console.Error.WriteLine("Waiting for the queue handlers to finish what the allocations left them…");
            var drained = await DrainAsync(new QueueServiceClient(options.Storage), allocateClock, TimeSpan.FromSeconds(allocateSeconds),
                TimeSpan.FromSeconds(options.DrainSeconds));

            Console.Error.WriteLine($"Azurite conditional single-entity updates, {options.AllocationClients} writers, {options.BaselineSeconds} s (after)…");
            var (after, conflictsAfter) = await ConditionalUpdatesAsync(table, options.AllocationClients, TimeSpan.FromSeconds(options.BaselineSeconds), "after");
            await table.DeleteAsync();
            memory.Read();

            var allocated = allocate.CountOf(s => s == 201);
            var figures = new LoadFigures
            {
                Clients = options.Clients,
                Submissions = submit.CountOf(s => s == 201),
                SubmissionSeconds = submitSeconds,
                SubmissionsPerSecond = submit.CountOf(s => s == 201) / submitSeconds,
                SubmitP50 = submit.Percentile(50),
                SubmitP95 = submit.Percentile(95),
                SubmitP99 = submit.Percentile(99),
                SubmitStatuses = submit.StatusSummary(),
                SubmitFailures = submit.CountOf(s => s != 201),
                AllocationClients = options.AllocationClients,
                Allocated = allocated,
                AllocationSeconds = allocateSeconds,
                AllocationsPerSecond = allocated / allocateSeconds,
                AllocateP50 = allocate.Percentile(50),
                AllocateP95 = allocate.Percentile(95),
                AllocateStatuses = allocate.StatusSummary(),
                AllocateFailures = allocate.CountOf(s => s != 201),
                BaselineBefore = before,
                BaselineAfter = after,
                BaselineConflictsBefore = conflictsBefore,
                BaselineConflictsAfter = conflictsAfter,
                ScheduleSamples = schedule.Samples,
                ScheduleTimeouts = scheduleTimeouts,
                ScheduleP50 = schedule.Percentile(50),
                ScheduleP95 = schedule.Percentile(95),
                PeakRssMiB = memory.MaxRssKiB / 1024.0,
                HighWaterMiB = memory.HighWaterKiB / 1024.0,
                IdleRssMiB = idle / 1024.0,
                LoadBefore = loadBefore,
                LoadSubmissions = loadSubmissions,
                LoadAllocations = loadAllocations,
                DrainedSeconds = drained,
            };

            var table_ = Report.Table(figures, options);
            Console.WriteLine();
            Console.WriteLine(table_);
            if (options.Doc is { } doc)
            {
                Report.WriteSection(doc, Report.Section(figures, options, table_));
                Console.Error.WriteLine($"Figures written to {doc} (section \"{Report.Heading}\").");
            }
            return 0;
        }

        /// <summary>Submits screenings from <paramref name="clients"/> loops until <paramref name="max"/> or <paramref name="duration"/>.</summary>
        private static async Task SubmitAsync(HttpClient http, Func<string> submission, int clients, TimeSpan duration, int max,
            Latencies latencies, System.Collections.Concurrent.ConcurrentQueue<string>? ids)
        {
            var clock = Stopwatch.StartNew();
            var started = 0;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (clock.Elapsed < duration && Interlocked.Increment(ref started) <= max)
                {
                    var (status, body, ms) = await SendAsync(http, HttpMethod.Post, "screenings", submission());
                    latencies.Count(status);
                    if (status != 201) continue;
                    latencies.Add(ms);
                    ids?.Enqueue(JsonDocument.Parse(body).RootElement.GetProperty("screeningId").GetString()!);
                }
            })));
        }

        /// <summary>Milliseconds from the allocation's answer until the schedule lists visits; null after the deadline.</summary>
        private static async Task<double?> PollScheduleAsync(HttpClient http, string participantId, long allocatedAt)
        {
            while (Stopwatch.GetElapsedTime(allocatedAt) < ScheduleDeadline)
            {
                var (status, body, _) = await SendAsync(http, HttpMethod.Get, $"participants/{participantId}/schedule", null);
                if (status == 200 && JsonDocument.Parse(body).RootElement.GetProperty("visits").GetArrayLength() > 0)
                    return Stopwatch.GetElapsedTime(allocatedAt).TotalMilliseconds;
                await Task.Delay(SchedulePollInterval);
            }
            return null;
        }

        private static async Task<(int Status, string Body, double Milliseconds)> SendAsync(HttpClient http, HttpMethod method, string path, string? json)
        {
            using var request = new HttpRequestMessage(method, path);
            if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                return ((int)response.StatusCode, body, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return (0, "", Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        /// <summary>
        /// Azurite's raw rate of contended conditional updates of one entity: each writer reads the entity, replaces it
        /// with the ETag it read (<c>UpdateEntityAsync</c>, If-Match) and on 412 reads again — the read-modify-write an
        /// allocation does on its state row, without the rest of the allocation. Returns successful updates per second.
        /// </summary>
        private static async Task<(double PerSecond, int Conflicts)> ConditionalUpdatesAsync(TableClient table, int writers, TimeSpan duration, string rowKey)
        {
            await table.UpsertEntityAsync(new TableEntity("bench", rowKey) { ["Counter"] = 0L }, TableUpdateMode.Replace);
            var updates = 0;
            var conflicts = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
            {
                while (clock.Elapsed < duration)
                {
                    var entity = (await table.GetEntityAsync<TableEntity>("bench", rowKey)).Value;
                    entity["Counter"] = entity.GetInt64("Counter")!.Value + 1;
                    try
                    {
                        await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);
                        Interlocked.Increment(ref updates);
                    }
                    catch (RequestFailedException conflict) when (conflict.Status == 412)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            })));
            var seconds = clock.Elapsed.TotalSeconds;
            var stored = (await table.GetEntityAsync<TableEntity>("bench", rowKey)).Value.GetInt64("Counter");
            if (stored != updates)
                throw new InvalidOperationException($"Conditional updates lost: {updates} succeeded but the counter is {stored}.");
            return (updates / seconds, conflicts);
        }

        /// <summary>
        /// Seconds from the last allocation's answer (<paramref name="ended"/> on <paramref name="allocations"/>) until
        /// queues <c>participant-events</c> and <c>notifications</c> are empty: a message leaves its queue only once its
        /// handler is done, so this is when every schedule rebuild and notification the burst queued had been handled.
        /// </summary>
        private static async Task<double?> DrainAsync(QueueServiceClient queues, Stopwatch allocations, TimeSpan ended, TimeSpan deadline)
        {
            var clock = Stopwatch.StartNew();
            string[] names = ["participant-events", "notifications"];
            while (clock.Elapsed < deadline)
            {
                var counts = await Task.WhenAll(names.Select(async name =>
                    (await queues.GetQueueClient(name).GetPropertiesAsync()).Value.ApproximateMessagesCount));
                if (counts.All(c => c == 0))
                    return (allocations.Elapsed - ended).TotalSeconds;
                await Task.Delay(200);
            }
            return null;
        }

        private static string LoadAverage()
        {
            try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
            catch (IOException) { return "?"; }
        }
    }
}
