using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Allocation;

/// <summary>
/// Allocates an arm to an eligible screening by the method of the protocol version (protocol.md §4). A pure function
/// of its arguments: the caller loads the state, calls <see cref="Allocate"/>, and persists the returned record and
/// state in one ETag-checked transaction, retrying from a fresh load if another allocation got there first.
/// </summary>
public static class Allocator
{
    // A note is free text kept in the record; the cap keeps the record well inside one table entity.
    internal const int MaxNoteLength = 2000;

    /// <param name="seed">The secret seed; may be null only under the <c>assigned</c> method, which draws nothing.</param>
    /// <exception cref="InvalidOperationException">A randomised method without a seed, or a state whose block cursor
    /// does not fit the sequence this seed generates (the seed or allocation settings were changed under a running
    /// trial). Both are deployment faults, not request errors.</exception>
    public static AllocationOutcome Allocate(
        ProtocolDefinition protocol, AllocationState state, AllocationRequest request, AllocationSeed? seed)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(request);

        var method = protocol.Allocation.Method;
        var errors = ValidateRequest(protocol, request, method);
        if (errors.Count > 0) return new AllocationOutcome.Rejected(errors);
        if (method != AllocationMethod.Assigned && seed is null)
            throw new InvalidOperationException($"Protocol {protocol.Version} allocates by {ContractName.Of(method)}, which needs the allocation seed; none is configured.");

        var ratio = AllocationRatio.Of(protocol);
        var stratum = state.Stratum(request.Stratum);
        var (arm, audit, cursor) = method switch
        {
            AllocationMethod.PermutedBlocks => NextSlot(protocol, stratum.Block, request.Stratum, seed!, ratio),
            AllocationMethod.Minimisation => Minimise(protocol, state, request, seed!, ratio, state.NextAllocationNumber),
            AllocationMethod.Assigned => Assign(request.Assignment!, stratum.Block),
            _ => throw new InvalidOperationException($"Unknown allocation method {method}."),
        };

        var allocation = new SiteAllocation(
            state.NextAllocationNumber, request.ScreeningId, request.SiteId, request.Stratum, arm, method,
            protocol.Version, request.At);
        var newState = new AllocationState(
            state.NextAllocationNumber + 1,
            Increment(state.ArmCounts, arm),
            With(state.Strata, request.Stratum, new StratumState(Increment(stratum.ArmCounts, arm), cursor)),
            With(state.Sites, request.SiteId, Increment(state.SiteCounts(request.SiteId), arm)));
        return new AllocationOutcome.Allocated(new AllocationRecord(allocation, request.Actor, request.RequestId, audit), newState);
    }

    private static List<FieldError> ValidateRequest(ProtocolDefinition protocol, AllocationRequest request, AllocationMethod method)
    {
        var errors = new List<FieldError>();
        void Require(bool ok, string path, string message)
        {
            if (!ok) errors.Add(new FieldError(path, message));
        }

        Require(!string.IsNullOrWhiteSpace(request.ScreeningId), "screeningId", "The screening id is required.");
        Require(protocol.FindSite(request.SiteId) is not null, "siteId", $"'{request.SiteId}' is not a site of protocol {protocol.Version}.");
        Require(protocol.Allocation.Strata.Contains(request.Stratum, StringComparer.Ordinal), "stratum",
            $"'{request.Stratum}' is not a stratum of protocol {protocol.Version}; the strata are {string.Join(", ", protocol.Allocation.Strata)}.");
        Require(!string.IsNullOrWhiteSpace(request.Actor), "actor", "Who allocates must be recorded.");
        Require(!string.IsNullOrWhiteSpace(request.RequestId), "requestId", "The request id must be recorded.");
        Require(request.At.Offset == TimeSpan.Zero, "at", "The allocation time must be a UTC instant.");

        if (method != AllocationMethod.Assigned)
        {
            // A randomised trial takes an empty body: an arm sent anyway is refused rather than silently ignored.
            Require(request.Assignment is null or { Arm: null, Basis: null, Note: null }, "arm",
                $"Protocol {protocol.Version} allocates by {ContractName.Of(method)}: the arm cannot be chosen; send an empty body.");
            return errors;
        }

        var assignment = request.Assignment ?? new ArmAssignment(null, null, null);
        if (string.IsNullOrWhiteSpace(assignment.Arm))
            errors.Add(new FieldError("arm", $"The arm is required: one of {string.Join(", ", protocol.Arms.Select(a => a.Id))}."));
        else if (protocol.FindArm(assignment.Arm) is null)
            errors.Add(new FieldError("arm", $"'{assignment.Arm}' is not an arm of protocol {protocol.Version}; the arms are {string.Join(", ", protocol.Arms.Select(a => a.Id))}."));

        var bases = protocol.Allocation.AssignedBases;
        if (string.IsNullOrWhiteSpace(assignment.Basis))
            errors.Add(new FieldError("basis", $"The basis of the assignment is required: one of {string.Join(", ", bases)}."));
        else if (!bases.Contains(assignment.Basis, StringComparer.Ordinal))
            errors.Add(new FieldError("basis", $"'{assignment.Basis}' is not a basis of protocol {protocol.Version}; use one of {string.Join(", ", bases)}."));

        if (string.IsNullOrWhiteSpace(assignment.Note))
            errors.Add(new FieldError("note", "A note saying why this arm was assigned is required."));
        else if (assignment.Note.Length > MaxNoteLength)
            errors.Add(new FieldError("note", $"The note has {assignment.Note.Length} characters; at most {MaxNoteLength} are kept."));
        return errors;
    }

    /// <summary>The coordinator's arm, already validated; the block cursor is untouched.</summary>
    private static (string Arm, AllocationAudit Audit, BlockCursor? Cursor) Assign(ArmAssignment assignment, BlockCursor? cursor) =>
        (assignment.Arm!, new AssignedAudit(assignment.Basis!, assignment.Note!.Trim()), cursor);

    private static (string Arm, AllocationAudit Audit, BlockCursor? Cursor) NextSlot(
        ProtocolDefinition protocol, BlockCursor? cursor, string stratum, AllocationSeed seed, AllocationRatio ratio)
    {
        // The stratum's first slot under this version, the next slot of the current block, or the first of the next.
        var current = cursor is not null && cursor.ProtocolVersion == protocol.Version ? cursor : null;
        var continues = current is not null && current.PositionInBlock < current.BlockSize;
        var blockNumber = current is null ? 1 : continues ? current.BlockNumber : current.BlockNumber + 1;
        var position = continues ? current!.PositionInBlock + 1 : 1;

        Span<int> block = stackalloc int[PermutedBlocks.MaxBlockSize(protocol)];
        var size = PermutedBlocks.Fill(seed.DrawKey, protocol.Version, stratum, blockNumber, ratio, protocol.Allocation.BlockSizes, block);
        if (continues && size != current!.BlockSize)
            throw new InvalidOperationException(
                $"The {stratum} block cursor does not fit the sequence generated from the configured seed: the seed or the allocation settings of {protocol.Version} changed during the trial.");

        return (ratio.Arms[block[position - 1]], new BlockAudit(blockNumber, size, position),
            new BlockCursor(protocol.Version, blockNumber, size, position));
    }

    private static (string Arm, AllocationAudit Audit, BlockCursor? Cursor) Minimise(
        ProtocolDefinition protocol, AllocationState state, AllocationRequest request, AllocationSeed seed,
        AllocationRatio ratio, int allocationNumber)
    {
        var settings = protocol.Allocation.Minimisation;
        var factors = settings.Factors;
        var levelCounts = new int[factors.Count * ratio.Count];
        var levels = new Dictionary<string, string>(StringComparer.Ordinal);
        var countsUsed = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        for (var i = 0; i < factors.Count; i++)
        {
            var (level, counts) = factors[i] switch
            {
                MinimisationFactor.Histology => (request.Stratum, state.Stratum(request.Stratum).ArmCounts),
                MinimisationFactor.Site => (request.SiteId, state.SiteCounts(request.SiteId)),
                _ => throw new InvalidOperationException($"Unknown minimisation factor {factors[i]}."),
            };
            var name = ContractName.Of(factors[i]);
            levels[name] = level;
            countsUsed[name] = ratio.Arms.ToDictionary(a => a, a => counts.GetValueOrDefault(a), StringComparer.Ordinal);
            for (var k = 0; k < ratio.Count; k++)
                levelCounts[i * ratio.Count + k] = counts.GetValueOrDefault(ratio.Arms[k]);
        }

        var stream = new DrawStream(seed.DrawKey, protocol.Version, Minimisation.MethodName, Minimisation.Scope, allocationNumber);
        var g = new long[ratio.Count];
        var choice = Minimisation.Choose(ref stream, ratio, levelCounts, settings.PreferredArmProbability, g);

        var least = g.Min();
        var audit = new MinimisationAudit(
            levels, countsUsed,
            ratio.Arms.Select((a, k) => (a, g[k])).ToDictionary(x => x.a, x => x.Item2, StringComparer.Ordinal),
            ratio.Arms.Where((_, k) => g[k] == least).ToArray(),
            settings.PreferredArmProbability, choice.Draw, choice.ArmDraw);
        // Minimisation leaves the block cursor as it was: it belongs to the permuted-block sequence only.
        return (ratio.Arms[choice.Arm], audit, state.Stratum(request.Stratum).Block);
    }

    private static IReadOnlyDictionary<string, int> Increment(IReadOnlyDictionary<string, int> counts, string arm)
    {
        var next = new Dictionary<string, int>(counts, StringComparer.Ordinal);
        next[arm] = next.GetValueOrDefault(arm) + 1;
        return next;
    }

    private static IReadOnlyDictionary<string, T> With<T>(IReadOnlyDictionary<string, T> map, string key, T value)
    {
        var next = new Dictionary<string, T>(map, StringComparer.Ordinal) { [key] = value };
        return next;
    }
}
