using RpsServerless.Cli.Survival;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Cli;

/// <summary>Finds the command named by the first words of the command line and runs it.</summary>
internal static class RpsCli
{
    public const int Done = 0;
    public const int BadInput = 2;

    // Every command of tools.md; each lives in its own file.
    internal static readonly IReadOnlyList<ICliCommand> Commands =
    [
        new AllocationListCommand(),
        new AllocationSimulateCommand(),
        new AllocationCommitmentCommand(),
        new ScreeningEvaluateCommand(),
        new SurvivalCommand(),
        new AuditVerifyCommand(),
    ];

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var command = Commands
            .Where(c => c.Words.Count <= args.Count && c.Words.SequenceEqual(args.Take(c.Words.Count)))
            .MaxBy(c => c.Words.Count);
        if (command is null)
        {
            var helpAsked = args.Count == 0 || args[0] is "help" or "--help" or "-h";
            PrintUsage(helpAsked ? output : error, helpAsked ? null : $"Unknown command '{string.Join(' ', args)}'.");
            return helpAsked ? Done : BadInput;
        }

        try
        {
            return command.Run(CliArguments.Parse(args.Skip(command.Words.Count).ToList()), output, error);
        }
        catch (CliUsageException e)
        {
            error.WriteLine($"rps {string.Join(' ', command.Words)}: {e.Message}");
            error.WriteLine($"usage: {command.Usage}");
            return BadInput;
        }
        catch (ProtocolDefinitionException e)
        {
            error.WriteLine(e.Message);
            return BadInput;
        }
    }

    private static void PrintUsage(TextWriter writer, string? problem)
    {
        if (problem is not null) writer.WriteLine(problem);
        writer.WriteLine("usage:");
        foreach (var command in Commands) writer.WriteLine("  " + command.Usage);
    }
}
