using System.Text.Json;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Cli;

/// <summary><c>rps allocation commitment</c>: the SHA-256 commitment to publish at go-live.</summary>
internal sealed class AllocationCommitmentCommand : ICliCommand
{
    public IReadOnlyList<string> Words { get; } = ["allocation", "commitment"];

    public string Usage => "rps allocation commitment --seed-file seed.txt --protocol NATARS-1.0 [--format text|json]";

    public int Run(CliArguments arguments, TextWriter output, TextWriter error)
    {
        var protocol = AllocationCommandOptions.Protocol(arguments);
        var json = AllocationCommandOptions.WantsJson(arguments);
        var seedGiven = arguments.Optional("seed-file") is not null;
        arguments.RejectUnknown();
        if (!seedGiven) throw new CliUsageException("Option --seed-file is required.");

        var commitment = AllocationCommitment.Compute(AllocationCommandOptions.Seed(arguments), protocol);
        output.WriteLine(json
            ? JsonSerializer.Serialize(new { protocolVersion = protocol.Version, method = ContractName.Of(protocol.Allocation.Method), commitment }, AllocationCommandOptions.Json)
            : commitment);
        return RpsCli.Done;
    }
}
