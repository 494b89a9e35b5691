namespace RpsServerless.Cli.Tests;

public class RpsCliTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = RpsCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void NoArguments_PrintsUsageAndSucceeds()
    {
        var (exit, output, _) = Run();
        Assert.Equal(0, exit);
        Assert.StartsWith("usage:", output);
    }

    [Fact]
    public void UnknownCommand_ExitsTwoNamingIt()
    {
        var (exit, _, error) = Run("randomise", "now");
        Assert.Equal(2, exit);
        Assert.Contains("Unknown command 'randomise now'", error);
    }

    [Fact]
    public void OptionWithoutValue_IsAUsageError()
    {
        var e = Assert.Throws<CliUsageException>(() => CliArguments.Parse(["--seed-file"]));
        Assert.Contains("--seed-file needs a value", e.Message);
    }

    [Fact]
    public void UnknownOption_IsRejectedByName()
    {
        var arguments = CliArguments.Parse(["--runs", "10", "--partcipants", "102"]);
        arguments.OptionalInt("runs", 1, 1, 100);
        var e = Assert.Throws<CliUsageException>(arguments.RejectUnknown);
        Assert.Contains("--partcipants", e.Message);
    }

    [Fact]
    public void RepeatedOption_IsRejected() =>
        Assert.Throws<CliUsageException>(() => CliArguments.Parse(["--runs", "1", "--runs", "2"]));

    [Fact]
    public void IntegerOutOfRange_IsRejected()
    {
        var arguments = CliArguments.Parse(["--runs", "0"]);
        Assert.Throws<CliUsageException>(() => arguments.OptionalInt("runs", 1, 1, 100));
    }
}
