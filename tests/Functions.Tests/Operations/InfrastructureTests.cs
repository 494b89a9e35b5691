using System.Text.RegularExpressions;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Functions.Tests.Operations;

/// <summary>
/// The template scopes the app's roles to each table and queue it declares, and the app cannot create what is missing
/// (health would report it down): the template must declare every table and triggered queue the app uses.
/// </summary>
public partial class InfrastructureTests
{
    private static string MainBicep()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "infra", "main.bicep")))
                return File.ReadAllText(Path.Combine(directory.FullName, "infra", "main.bicep"));
        throw new InvalidOperationException("infra/main.bicep not found above the test folder.");
    }

    private static List<string> Names(string variable)
    {
        var block = Regex.Match(MainBicep(), $@"var {variable} = \[(?<items>[^\]]*)\]").Groups["items"].Value;
        return QuotedName().Matches(block).Select(m => m.Groups[1].Value).ToList();
    }

    [Fact]
    public void TheTemplate_DeclaresEveryTableOfTheApp()
    {
        Assert.Equal(TableNames.All.Order(), Names("tableNames").Order());
    }

    [Fact]
    public void TheTemplate_DeclaresEveryQueueOfTheApp_EachWithItsPoisonTwin()
    {
        var queues = Names("queueNames");
        Assert.All(QueueNames.All.Where(q => !q.EndsWith(QueueNames.PoisonSuffix, StringComparison.Ordinal)), q => Assert.Contains(q, queues));
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedName();
}
