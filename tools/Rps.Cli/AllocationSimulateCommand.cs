using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Cli;

/// <summary>
/// <c>rps allocation simulate</c>: whole simulated trials under the protocol's allocation settings, reporting final
/// imbalance, the share of deterministic assignments and how often a site guessing "the arm behind" is right.
/// </summary>
internal sealed class AllocationSimulateCommand : ICliCommand
{
    public IReadOnlyList<string> Words { get; } = ["allocation", "simulate"];

    public string Usage =>
        "rps allocation simulate --protocol NATARS-1.0 --participants 102 --runs 10000 [--method permuted_blocks|minimisation] " +
        "[--seed N] [--strata DDLPS=3,LMS=3,UPS=2,SFT=1] [--sites PKUIH=2,BFH=1,…] [--threshold 2] [--format text|json]";

    public int Run(CliArguments arguments, TextWriter output, TextWriter error)
    {
        var protocol = AllocationCommandOptions.Protocol(arguments);
        var participants = arguments.OptionalInt("participants", protocol.Trial.PlannedParticipants, 1, 100_000);
        var runs = arguments.OptionalInt("runs", 10_000, 1, 10_000_000);
        var method = Method(arguments.Optional("method"), protocol);
        var seed = Seed(arguments.Optional("seed"));
        var strata = Weights(arguments.Optional("strata"), "strata", protocol.Allocation.Strata);
        var sites = Weights(arguments.Optional("sites"), "sites", protocol.Sites.Select(s => s.Id).ToList());
        var threshold = arguments.OptionalInt("threshold", 2, 0, 100_000);
        var json = AllocationCommandOptions.WantsJson(arguments);
        arguments.RejectUnknown();

        var clock = Stopwatch.StartNew();
        var report = AllocationSimulation.Run(protocol, new SimulationSettings(method, participants, runs, seed, strata, sites, threshold));
        var elapsed = clock.Elapsed;

        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new { report, elapsedSeconds = Math.Round(elapsed.TotalSeconds, 3) }, AllocationCommandOptions.Json));
            return RpsCli.Done;
        }
        Print(report, strata is null && sites is null, protocol.Arms.Count, elapsed, output);
        return RpsCli.Done;
    }

    private static AllocationMethod Method(string? text, ProtocolDefinition protocol)
    {
        if (text is null)
        {
            if (protocol.Allocation.Method == AllocationMethod.Assigned)
                throw new CliUsageException($"{protocol.Version} assigns arms without drawing; give --method permuted_blocks or minimisation.");
            return protocol.Allocation.Method;
        }
        if (!ContractName.TryParse<AllocationMethod>(text, out var method) || method == AllocationMethod.Assigned)
            throw new CliUsageException($"Option --method must be permuted_blocks or minimisation, not '{text}'.");
        return method;
    }

    // Simulation seeds are not secret: a fresh one comes from the OS generator and is printed so the run can be repeated.
    private static ulong Seed(string? text)
    {
        if (text is null) return BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong))) >> 1;
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
            throw new CliUsageException($"Option --seed must be a whole number, not '{text}'.");
        return seed;
    }

    /// <summary>Parses <c>NAME=weight,…</c>; names left out weigh 0.</summary>
    private static int[]? Weights(string? text, string option, IReadOnlyList<string> names)
    {
        if (text is null) return null;
        var weights = new int[names.Count];
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            var index = names.ToList().IndexOf(pair[0]);
            if (index < 0)
                throw new CliUsageException($"Option --{option}: '{pair[0]}' is not one of {string.Join(", ", names)}.");
            if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight) || weight > 1_000_000)
                throw new CliUsageException($"Option --{option}: write NAME=weight with a whole-number weight, e.g. {names[0]}=2.");
            weights[index] = weight;
        }
        if (weights.Sum() == 0) throw new CliUsageException($"Option --{option}: at least one weight must be positive.");
        return weights;
    }

    private static void Print(SimulationReport r, bool uniform, int arms, TimeSpan elapsed, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"{r.Runs} simulated trials of {r.Participants} participants, protocol {r.ProtocolVersion}, method {ContractName.Of(r.Method)}"));
        output.WriteLine(uniform
            ? "Accrual: each participant's stratum and site drawn uniformly (equal weights)."
            : "Accrual: each participant's stratum and site drawn by the given weights.");
        output.WriteLine(string.Create(c, $"Repeat with --seed {r.MasterSeed}"));
        output.WriteLine();
        output.WriteLine("Final imbalance |D| = most minus fewest allocations among the arms (|nA - nB| for two arms):");
        output.WriteLine(string.Create(c, $"  {"group",-10} {"mean n",8} {"mean |D|",9} {"P(|D|>" + r.ImbalanceThreshold + ")",9} {"max |D|",8}"));
        foreach (var g in r.Strata.Append(r.Overall).Concat(r.Sites))
        {
            if (g == r.Overall || g == r.Sites[0]) output.WriteLine("  " + new string('-', 48));
            output.WriteLine(string.Create(c, $"  {g.Group,-10} {g.MeanParticipants,8:F1} {g.MeanAbsoluteImbalance,9:F3} {g.ShareAboveThreshold,9:F4} {g.MaxAbsoluteImbalance,8}"));
        }
        output.WriteLine();
        output.WriteLine(string.Create(c, $"Deterministic assignments (known block size and history): {r.DeterministicShare:P1}"));
        if (r.Method == AllocationMethod.Minimisation)
            output.WriteLine(string.Create(c, $"Assignments decided by a random tie-break:               {r.TieShare:P1}"));
        output.WriteLine(string.Create(c, $"Site guessing \"the arm behind in this stratum\" is right:  {r.ConvergenceGuessSuccess:P1} (chance: {1.0 / arms:P1})"));
        output.WriteLine(string.Create(c, $"Elapsed: {elapsed.TotalSeconds:F2} s"));
    }
}
