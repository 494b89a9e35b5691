using System.Buffers.Binary;
using System.Security.Cryptography;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Allocation;

/// <summary>What to simulate: whole trials of <see cref="Participants"/> under the protocol's allocation settings.</summary>
/// <param name="Method">The method to simulate; the protocol's own by default. <c>assigned</c> cannot be simulated.</param>
/// <param name="MasterSeed">Makes the simulation repeatable; each run's seed and participants derive from it.</param>
/// <param name="StratumWeights">Relative accrual per stratum in the protocol's stratum order; null = equal.</param>
/// <param name="SiteWeights">Relative accrual per site in the protocol's site order; null = equal.</param>
/// <param name="ImbalanceThreshold">k in the reported P(|D| &gt; k).</param>
public sealed record SimulationSettings(
    AllocationMethod Method,
    int Participants,
    int Runs,
    ulong MasterSeed,
    IReadOnlyList<int>? StratumWeights = null,
    IReadOnlyList<int>? SiteWeights = null,
    int ImbalanceThreshold = 2);

/// <summary>Final imbalance D (largest minus smallest arm count; |nA − nB| for two arms) of one group over all runs.</summary>
public sealed record ImbalanceSummary(
    string Group, double MeanParticipants, double MeanAbsoluteImbalance, double ShareAboveThreshold, int MaxAbsoluteImbalance);

/// <param name="DeterministicShare">Share of allocations that someone knowing the design and the earlier allocations
/// could have named with certainty: under permuted blocks, those whose remaining block slots all hold one arm (the
/// insider's view, knowing the block size; an upper bound for a site); under minimisation, none unless p = 1.</param>
/// <param name="TieShare">Share of minimisation allocations decided by a tie-break (0 under permuted blocks).</param>
/// <param name="ConvergenceGuessSuccess">Share of allocations a site guesses right by always naming the arm behind
/// in the participant's stratum (at random among arms equally behind); 1/arms means no predictability.</param>
public sealed record SimulationReport(
    string ProtocolVersion,
    AllocationMethod Method,
    int Participants,
    int Runs,
    ulong MasterSeed,
    int ImbalanceThreshold,
    IReadOnlyList<ImbalanceSummary> Strata,
    ImbalanceSummary Overall,
    IReadOnlyList<ImbalanceSummary> Sites,
    double DeterministicShare,
    double TieShare,
    double ConvergenceGuessSuccess);

/// <summary>
/// Simulates whole trials with the production algorithms (the same block filler and minimisation chooser the
/// allocator uses), to show statisticians imbalance and predictability before go-live (anchors §6.2).
/// </summary>
/// <remarks>
/// Participants arrive independently; each one's stratum and site are drawn by the given weights (equal by default:
/// the protocol gives no expected accrual per stratum or site). Run r uses its own 32-byte seed derived from the
/// master seed, and runs are summed in integers, so the report depends only on the settings, not on thread timing.
/// </remarks>
public static class AllocationSimulation
{
    private const string SimulationMethod = "simulation";

    public static SimulationReport Run(ProtocolDefinition protocol, SimulationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Method == AllocationMethod.Assigned)
            throw new ArgumentException("The assigned method draws nothing; there is nothing to simulate.", nameof(settings));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Participants, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Runs, 1);

        var design = new Design(protocol, settings);
        var total = new Tally(design);
        var gate = new object();
        Parallel.For(0, settings.Runs,
            () => new Scratch(design),
            (run, _, scratch) =>
            {
                SimulateTrial(design, run, scratch);
                return scratch;
            },
            scratch =>
            {
                lock (gate) total.Add(scratch.Tally);
                scratch.MasterKey.Dispose();
            });
        return total.ToReport(design);
    }

    /// <summary>The 32-byte master key for <paramref name="masterSeed"/>: SHA-256 of a label and the number.</summary>
    internal static byte[] MasterKey(ulong masterSeed)
    {
        Span<byte> input = stackalloc byte[64];
        var label = "RPS-ALLOCATION-SIMULATION-v1"u8;
        label.CopyTo(input);
        BinaryPrimitives.WriteUInt64BigEndian(input[label.Length..], masterSeed);
        return SHA256.HashData(input[..(label.Length + sizeof(ulong))]);
    }

    private static void SimulateTrial(Design d, int run, Scratch s)
    {
        var runSeed = new DrawStream(s.MasterKey, d.Version, SimulationMethod, "run", run);
        runSeed.NextBytes(s.RunKeyBytes);
        using var runKey = DrawKey.Reusable(s.RunKeyBytes);
        var people = new DrawStream(runKey, d.Version, SimulationMethod, "participants", 0);
        s.Reset();
        var arms = d.Ratio.Count;

        for (var n = 1; n <= d.Participants; n++)
        {
            var stratum = PickWeighted(ref people, d.StratumWeights, d.StratumWeightTotal);
            var site = PickWeighted(ref people, d.SiteWeights, d.SiteWeightTotal);
            var stratumCounts = s.StratumCounts.AsSpan(stratum * arms, arms);
            var siteCounts = s.SiteCounts.AsSpan(site * arms, arms);
            var guess = ArmBehind(ref people, stratumCounts);

            int arm;
            if (d.Method == AllocationMethod.PermutedBlocks)
            {
                var block = s.Blocks.AsSpan(stratum * d.MaxBlockSize, d.MaxBlockSize);
                if (s.Position[stratum] == s.BlockSize[stratum])
                {
                    s.BlockNumber[stratum]++;
                    s.BlockSize[stratum] = PermutedBlocks.Fill(
                        runKey, d.Version, d.Strata[stratum], s.BlockNumber[stratum], d.Ratio, d.BlockSizes, block);
                    s.Position[stratum] = 0;
                }
                var position = s.Position[stratum]++;
                arm = block[position];
                if (block[position..s.BlockSize[stratum]].IndexOfAnyExcept(arm) < 0) s.Tally.Deterministic++;
            }
            else
            {
                for (var i = 0; i < d.Factors.Count; i++)
                    (d.Factors[i] == MinimisationFactor.Histology ? stratumCounts : siteCounts)
                        .CopyTo(s.LevelCounts.AsSpan(i * arms, arms));
                var draws = new DrawStream(runKey, d.Version, Minimisation.MethodName, Minimisation.Scope, n);
                var choice = Minimisation.Choose(ref draws, d.Ratio, s.LevelCounts, d.PreferredArmProbability, s.TotalImbalance);
                arm = choice.Arm;
                if (choice.CandidateCount > 1) s.Tally.Ties++;
                else if (d.PreferredArmProbability >= 1.0) s.Tally.Deterministic++;
            }

            if (guess == arm) s.Tally.GuessedRight++;
            stratumCounts[arm]++;
            siteCounts[arm]++;
            s.OverallCounts[arm]++;
        }

        s.Tally.Allocations += d.Participants;
        for (var g = 0; g < d.Strata.Count; g++)
            s.Tally.Strata[g].Add(s.StratumCounts.AsSpan(g * arms, arms), d.Threshold);
        for (var g = 0; g < d.Sites.Count; g++)
            s.Tally.Sites[g].Add(s.SiteCounts.AsSpan(g * arms, arms), d.Threshold);
        s.Tally.Overall.Add(s.OverallCounts, d.Threshold);
    }

    /// <summary>The convergence strategy: the arm with fewest allocations in the stratum, at random among ties.</summary>
    private static int ArmBehind(ref DrawStream draws, ReadOnlySpan<int> counts)
    {
        var fewest = int.MaxValue;
        var tied = 0;
        foreach (var c in counts)
        {
            if (c < fewest) (fewest, tied) = (c, 1);
            else if (c == fewest) tied++;
        }
        var pick = draws.NextInt(tied);
        for (var k = 0; k < counts.Length; k++)
            if (counts[k] == fewest && pick-- == 0) return k;
        throw new InvalidOperationException("Unreachable: the pick is below the number of tied arms.");
    }

    private static int PickWeighted(ref DrawStream draws, int[] weights, int total)
    {
        var x = draws.NextInt(total);
        for (var i = 0; i < weights.Length; i++)
        {
            if (x < weights[i]) return i;
            x -= weights[i];
        }
        throw new InvalidOperationException("Unreachable: the draw is below the total weight.");
    }

    private sealed class Design
    {
        public Design(ProtocolDefinition protocol, SimulationSettings settings)
        {
            Version = protocol.Version;
            Method = settings.Method;
            Participants = settings.Participants;
            Runs = settings.Runs;
            MasterSeed = settings.MasterSeed;
            MasterKey = AllocationSimulation.MasterKey(settings.MasterSeed);
            Threshold = settings.ImbalanceThreshold;
            Ratio = AllocationRatio.Of(protocol);
            Strata = protocol.Allocation.Strata;
            Sites = protocol.Sites.Select(x => x.Id).ToArray();
            BlockSizes = protocol.Allocation.BlockSizes;
            MaxBlockSize = PermutedBlocks.MaxBlockSize(protocol);
            Factors = protocol.Allocation.Minimisation.Factors;
            PreferredArmProbability = protocol.Allocation.Minimisation.PreferredArmProbability;
            StratumWeights = Weights(settings.StratumWeights, Strata.Count, nameof(settings.StratumWeights));
            SiteWeights = Weights(settings.SiteWeights, Sites.Count, nameof(settings.SiteWeights));
            StratumWeightTotal = StratumWeights.Sum();
            SiteWeightTotal = SiteWeights.Sum();
        }

        public string Version { get; }
        public AllocationMethod Method { get; }
        public int Participants { get; }
        public int Runs { get; }
        public ulong MasterSeed { get; }
        public byte[] MasterKey { get; }
        public int Threshold { get; }
        public AllocationRatio Ratio { get; }
        public IReadOnlyList<string> Strata { get; }
        public IReadOnlyList<string> Sites { get; }
        public IReadOnlyList<int> BlockSizes { get; }
        public int MaxBlockSize { get; }
        public IReadOnlyList<MinimisationFactor> Factors { get; }
        public double PreferredArmProbability { get; }
        public int[] StratumWeights { get; }
        public int[] SiteWeights { get; }
        public int StratumWeightTotal { get; }
        public int SiteWeightTotal { get; }

        private static int[] Weights(IReadOnlyList<int>? given, int count, string name)
        {
            if (given is null) return Enumerable.Repeat(1, count).ToArray();
            if (given.Count != count || given.Any(w => w < 0) || given.Sum() <= 0)
                throw new ArgumentException($"{name} needs {count} non-negative weights, not all zero.", name);
            return given.ToArray();
        }
    }

    /// <summary>One thread's reusable buffers: no allocation per participant or per draw.</summary>
    private sealed class Scratch(Design d)
    {
        public DrawKey MasterKey { get; } = DrawKey.Reusable(d.MasterKey);
        public byte[] RunKeyBytes { get; } = new byte[AllocationSeed.MinimumBytes];
        public int[] StratumCounts { get; } = new int[d.Strata.Count * d.Ratio.Count];
        public int[] SiteCounts { get; } = new int[d.Sites.Count * d.Ratio.Count];
        public int[] OverallCounts { get; } = new int[d.Ratio.Count];
        public int[] Blocks { get; } = new int[d.Strata.Count * d.MaxBlockSize];
        public int[] BlockNumber { get; } = new int[d.Strata.Count];
        public int[] BlockSize { get; } = new int[d.Strata.Count];
        public int[] Position { get; } = new int[d.Strata.Count];
        public int[] LevelCounts { get; } = new int[d.Factors.Count * d.Ratio.Count];
        public long[] TotalImbalance { get; } = new long[d.Ratio.Count];
        public Tally Tally { get; } = new(d);

        public void Reset()
        {
            Array.Clear(StratumCounts);
            Array.Clear(SiteCounts);
            Array.Clear(OverallCounts);
            Array.Clear(BlockNumber);
            Array.Clear(BlockSize);
            Array.Clear(Position);
        }
    }

    private sealed class Tally(Design d)
    {
        public long Allocations;
        public long Deterministic;
        public long Ties;
        public long GuessedRight;
        public GroupTally[] Strata { get; } = d.Strata.Select(_ => new GroupTally()).ToArray();
        public GroupTally[] Sites { get; } = d.Sites.Select(_ => new GroupTally()).ToArray();
        public GroupTally Overall { get; } = new();

        public void Add(Tally other)
        {
            Allocations += other.Allocations;
            Deterministic += other.Deterministic;
            Ties += other.Ties;
            GuessedRight += other.GuessedRight;
            for (var i = 0; i < Strata.Length; i++) Strata[i].Add(other.Strata[i]);
            for (var i = 0; i < Sites.Length; i++) Sites[i].Add(other.Sites[i]);
            Overall.Add(other.Overall);
        }

        public SimulationReport ToReport(Design d)
        {
            double Share(long count) => Allocations == 0 ? 0 : (double)count / Allocations;
            return new SimulationReport(
                d.Version, d.Method, d.Participants, d.Runs, d.MasterSeed, d.Threshold,
                d.Strata.Select((name, i) => Strata[i].Summary(name, d.Runs)).ToArray(),
                Overall.Summary("overall", d.Runs),
                d.Sites.Select((name, i) => Sites[i].Summary(name, d.Runs)).ToArray(),
                Share(Deterministic), Share(Ties), Share(GuessedRight));
        }
    }

    private sealed class GroupTally
    {
        private long _participants;
        private long _absoluteImbalance;
        private long _aboveThreshold;
        private int _max;

        public void Add(ReadOnlySpan<int> armCounts, int threshold)
        {
            int most = int.MinValue, fewest = int.MaxValue, sum = 0;
            foreach (var c in armCounts)
            {
                most = Math.Max(most, c);
                fewest = Math.Min(fewest, c);
                sum += c;
            }
            var d = most - fewest;
            _participants += sum;
            _absoluteImbalance += d;
            if (d > threshold) _aboveThreshold++;
            _max = Math.Max(_max, d);
        }

        public void Add(GroupTally other)
        {
            _participants += other._participants;
            _absoluteImbalance += other._absoluteImbalance;
            _aboveThreshold += other._aboveThreshold;
            _max = Math.Max(_max, other._max);
        }

        public ImbalanceSummary Summary(string group, int runs) =>
            new(group, (double)_participants / runs, (double)_absoluteImbalance / runs, (double)_aboveThreshold / runs, _max);
    }
}
