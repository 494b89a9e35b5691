using System.Globalization;
using System.Text.Json;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Cli;

/// <summary>
/// <c>rps allocation list</c>: regenerates a stratum's concealed sequence for an auditor holding the seed. The values
/// come from the same function the allocator uses, so they are what the backend hands out in that stratum.
/// </summary>
internal sealed class AllocationListCommand : ICliCommand
{
    public IReadOnlyList<string> Words { get; } = ["allocation", "list"];

    public string Usage =>
        "rps allocation list --seed-file seed.txt --protocol NATARS-1.0 --stratum DDLPS [--count 60] [--format text|json]";

    public int Run(CliArguments arguments, TextWriter output, TextWriter error)
    {
        var protocol = AllocationCommandOptions.Protocol(arguments);
        var stratum = arguments.Required("stratum");
        var count = arguments.OptionalInt("count", protocol.Trial.PlannedParticipants, 1, 100_000);
        var json = AllocationCommandOptions.WantsJson(arguments);
        var seedGiven = arguments.Optional("seed-file") is not null;
        arguments.RejectUnknown();

        if (!protocol.Allocation.Strata.Contains(stratum, StringComparer.Ordinal))
            throw new CliUsageException($"'{stratum}' is not a stratum of {protocol.Version}; the strata are {string.Join(", ", protocol.Allocation.Strata)}.");
        if (protocol.Allocation.Method != AllocationMethod.PermutedBlocks)
            throw new CliUsageException(
                $"{protocol.Version} allocates by {ContractName.Of(protocol.Allocation.Method)}: there is no sequence fixed in advance to list.");
        if (!seedGiven) throw new CliUsageException("Option --seed-file is required.");
        var seed = AllocationCommandOptions.Seed(arguments);

        var slots = PermutedBlocks.Sequence(protocol, seed, stratum).Take(count).ToList();
        var commitment = AllocationCommitment.Compute(seed, protocol);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                concealed = true,
                protocolVersion = protocol.Version,
                method = ContractName.Of(protocol.Allocation.Method),
                stratum,
                commitment,
                slots,
            }, AllocationCommandOptions.Json));
            return RpsCli.Done;
        }

        output.WriteLine("CONCEALED: for the trial statistician and auditors only. Never show to sites.");
        output.WriteLine($"protocol {protocol.Version}, method {ContractName.Of(protocol.Allocation.Method)}, stratum {stratum}");
        output.WriteLine($"commitment {commitment}");
        output.WriteLine();
        output.WriteLine(" sequence  block  size  position  arm");
        foreach (var slot in slots)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{slot.SequenceNumber,9}  {slot.BlockNumber,5}  {slot.BlockSize,4}  {slot.PositionInBlock,8}  {slot.Arm}"));
        return RpsCli.Done;
    }
}
