using System.Globalization;
using System.Text;

namespace RpsServerless.Bench.Load;

/// <summary>The summary table, and the <c>docs/performance.md</c> section that carries it.</summary>
public static class Report
{
    public const string Heading = "## Serverless backend on the devhost";

    public static string Table(LoadFigures f, LoadOptions o)
    {
        static string Verdict(bool met) => met ? "met" : "**MISSED**";
        var rows = new StringBuilder();
        rows.AppendLine("| measure | figure | target | |");
        rows.AppendLine("|---|---|---|---|");
        rows.AppendLine($"| screening submissions, {f.Clients} clients | **{f.SubmissionsPerSecond:0.0}/s** ({f.Submissions} in {f.SubmissionSeconds:0.0} s; answers: {f.SubmitStatuses}) | ≥ {LoadBenchmark.TargetSubmissionsPerSecond:0}/s | {Verdict(f.SubmissionsPerSecond >= LoadBenchmark.TargetSubmissionsPerSecond && f.SubmitFailures == 0)} |");
        rows.AppendLine($"| submission latency p50 / p95 / p99 | {f.SubmitP50:0} / **{f.SubmitP95:0}** / {f.SubmitP99:0} ms | p95 ≤ {LoadBenchmark.TargetSubmitP95:0} ms | {Verdict(f.SubmitP95 <= LoadBenchmark.TargetSubmitP95)} |");
        rows.AppendLine($"| allocations in one stratum (DDLPS), {f.AllocationClients} clients | {f.AllocationsPerSecond:0.0}/s ({f.Allocated} in {f.AllocationSeconds:0.0} s; answers: {f.AllocateStatuses}; latency p50 {f.AllocateP50:0} ms, p95 {f.AllocateP95:0} ms) | | |");
        rows.AppendLine($"| Azurite conditional updates of one entity, {f.AllocationClients} writers | {f.BaselineBefore:0.0}/s before, {f.BaselineAfter:0.0}/s after (412s: {f.BaselineConflictsBefore}, {f.BaselineConflictsAfter}) | | |");
        rows.AppendLine($"| allocations / conditional updates | **{f.AllocationRatio:0.00}** | ≥ {LoadBenchmark.TargetAllocationRatio:0.0} | {Verdict(f.AllocationRatio >= LoadBenchmark.TargetAllocationRatio && f.AllocateFailures == 0)} |");
        rows.AppendLine(o.SchedulePolls
            ? $"| allocation → schedule visible p50 / p95 | {f.ScheduleP50:0} / **{f.ScheduleP95:0}** ms ({f.ScheduleSamples} participants, {f.ScheduleTimeouts} not visible within 30 s) | p95 ≤ {LoadBenchmark.TargetScheduleP95:0} ms | {Verdict(f.ScheduleP95 <= LoadBenchmark.TargetScheduleP95 && f.ScheduleTimeouts == 0)} |"
            : "| allocation → schedule visible | not measured in this run (`--schedule-polls off`) | | |");
        rows.AppendLine($"| queue handlers done with the burst (`participant-events`, `notifications` empty) | {(f.DrainedSeconds is { } d ? $"{d:0.0} s after the last allocation" : o.DrainSeconds == 0 ? "not waited for (`--drain-seconds 0`)" : $"not within {o.DrainSeconds} s")} | | |");
        rows.AppendLine($"| devhost peak RSS (sampled VmRSS / VmHWM) | **{f.PeakRssMiB:0} MiB** / {f.HighWaterMiB:0} MiB (idle before load {f.IdleRssMiB:0} MiB) | ≤ {LoadBenchmark.TargetPeakRssMiB:0} MB | {Verdict(Math.Max(f.PeakRssMiB, f.HighWaterMiB) <= LoadBenchmark.TargetPeakRssMiB)} |");
        rows.Append($"| load average (1/5/15 min) | before {f.LoadBefore}; after submissions {f.LoadSubmissions}; after allocations {f.LoadAllocations} | | |");
        return rows.ToString();
    }

    public static string Section(LoadFigures f, LoadOptions o, string table)
    {
        var cpu = CpuModel();
        var text = new StringBuilder();
        text.AppendLine(Heading);
        text.AppendLine();
        text.AppendLine("Requirements: screening submissions ≥ 200/s with p95 ≤ 150 ms at 32 concurrent clients; allocations in one stratum");
        text.AppendLine("at ≥ 0.5 × Azurite's own rate of contended conditional updates of one entity, measured in the same run at the same");
        text.AppendLine("concurrency; a participant's schedule visible ≤ 2 s (p95) after the allocation answers; the devhost ≤ 300 MB resident.");
        text.AppendLine();
        text.AppendLine("Script: `bench/load.sh` (options pass through to `bench/Load`, e.g. `bench/load.sh --seconds 30 --allocations 600`).");
        text.AppendLine("It builds Release, starts Azurite from `node_modules` (fresh data folder, free loopback ports) and the Release devhost");
        text.AppendLine("(`--port` free, storage pointed at that Azurite, default logging to a file), takes a coordinator token for all seven");
        text.AppendLine("sites from `devhost token`, runs `bench/Load` and stops both. In one run, against 127.0.0.1 only:");
        text.AppendLine("1. warm-up: 200 screenings (not measured);");
        text.AppendLine($"2. `POST /api/screenings` (the eligible DDLPS sample, sites in turn) from {o.Clients} clients for {o.Seconds} s: throughput of 201s,");
        text.AppendLine("   latency of each 201 (send to body read);");
        text.AppendLine($"3. {o.Allocations} more eligible DDLPS screenings are submitted, then allocated by {o.AllocationClients} clients (`POST …/allocation`);");
        text.AppendLine("   after each 201 a separate task polls `GET /api/participants/{id}/schedule` every 50 ms until it lists visits;");
        text.AppendLine("   then the queues `participant-events` and `notifications` are watched until empty (every schedule rebuild and");
        text.AppendLine("   notification the burst queued handled);");
        text.AppendLine($"4. around step 3, {o.BaselineSeconds} s before and {o.BaselineSeconds} s after (once the queues are empty), {o.AllocationClients} writers do");
        text.AppendLine("   `GetEntityAsync` + `UpdateEntityAsync(entity, etag)` on one entity of a table in the same Azurite, re-reading on 412");
        text.AppendLine("   (`Azure.Data.Tables`); the ratio uses the mean of the two;");
        text.AppendLine("5. throughout, `/proc/<devhost pid>/status` is read every 100 ms (VmRSS; VmHWM covers the process's whole life).");
        text.AppendLine();
        text.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit `{o.Commit}`, Azurite {o.AzuriteVersion}, .NET {Environment.Version}, " +
                        $"{Environment.ProcessorCount} cores{(cpu is null ? "" : $" ({cpu})")}, shared with other engineers' builds and tests:");
        text.AppendLine();
        text.AppendLine(table);
        text.AppendLine();
        return text.ToString();
    }

    /// <summary>Replaces the section (up to the next <c>## </c> heading) or appends it; the other sections stay as they are.</summary>
    public static void WriteSection(string path, string section)
    {
        var document = File.Exists(path) ? File.ReadAllText(path) : "# Performance\n";
        var start = document.IndexOf(Heading + "\n", StringComparison.Ordinal);
        string updated;
        if (start < 0)
        {
            updated = document.TrimEnd('\n') + "\n\n" + section;
        }
        else
        {
            var next = document.IndexOf("\n## ", start + Heading.Length, StringComparison.Ordinal);
            var notes = "";
            var rest = next < 0 ? "" : document[(next + 1)..];
            // Hand-written analysis kept under "### " headings inside the section survives a re-run.
            var old = next < 0 ? document[start..] : document[start..(next + 1)];
            var analysis = old.IndexOf("\n### ", StringComparison.Ordinal);
            if (analysis >= 0) notes = old[(analysis + 1)..].TrimEnd('\n') + "\n\n";
            updated = document[..start] + section + notes + rest;
        }
        File.WriteAllText(path, updated.TrimEnd('\n') + "\n");
    }

    private static string? CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?
                .Split(':', 2)[1].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
