namespace RpsServerless.Cli;

/// <summary>One <c>rps</c> command (tools.md), e.g. <c>allocation list</c>.</summary>
internal interface ICliCommand
{
    /// <summary>The words that select the command, e.g. <c>["allocation", "list"]</c>.</summary>
    IReadOnlyList<string> Words { get; }

    /// <summary>One line of usage, shown by <c>rps help</c> and after a usage error.</summary>
    string Usage { get; }

    /// <returns>The process exit code: 0 done, 2 bad input or usage.</returns>
    int Run(CliArguments arguments, TextWriter output, TextWriter error);
}
