using System.Text.RegularExpressions;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Tests.Operations;

/// <summary>
/// The template scopes the app's roles to each table and queue it declares, and the app cannot create what is missing
/// (health would report it down): the template must declare every table and triggered queue the app uses.
/// </summary>
public partial class InfrastructureTests
{
    private static string MainBicep() => File.ReadAllText(MainBicepPath());

    private static string FunctionAppBicep() =>
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(MainBicepPath())!, "modules", "functionapp.bicep"));

    private static string MainBicepPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "infra", "main.bicep")))
                return Path.Combine(directory.FullName, "infra", "main.bicep");
        throw new InvalidOperationException("infra/main.bicep not found above the test folder.");
    }

    /// <summary>The environment name of a configuration key, as App Service sets it (<c>Auth:Audience</c> → <c>Auth__Audience</c>).</summary>
    private static string AppSetting(params string[] path) => string.Join("__", path.SelectMany(p => p.Split(':')));

    public static TheoryData<string> SettingsTheAppReadsInAzure => new()
    {
        AppSetting(StorageConnection.SettingName, "tableServiceUri"),
        AppSetting(StorageConnection.SettingName, "queueServiceUri"),
        AppSetting(StorageConnection.SettingName, "clientId"),
        AppSetting(ServiceBusSettings.SettingName, "fullyQualifiedNamespace"),
        AppSetting(ServiceBusSettings.SettingName, "clientId"),
        AppSetting(AllocationSeedSource.SettingName),
        AppSetting(AuthOptions.Section, "Authority"),
        AppSetting(AuthOptions.Section, "Audience"),
    };

    // Found once: the template set ServiceBus__*, which the app never reads, so the channel would have stayed off.
    [Theory]
    [MemberData(nameof(SettingsTheAppReadsInAzure))]
    public void TheFunctionAppTemplate_SetsTheSettingUnderTheNameTheAppReads(string setting) =>
        Assert.Matches(new Regex($@"(?m)^\s+{Regex.Escape(setting)}:\s"), FunctionAppBicep());

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

    [Fact]
    public void TheAvailabilityTest_CallsAnAnonymousGetRouteOfTheApp_AndIsDeployed()
    {
        // An availability test carries no token: the route it calls must stay anonymous, and the module must be used.
        var availability = File.ReadAllText(Path.Combine(Path.GetDirectoryName(MainBicepPath())!, "modules", "availability.bicep"));
        var url = Regex.Match(availability, @"RequestUrl: '\$\{appUri\}/(?<path>[^']+)'").Groups["path"].Value;
        var verb = Regex.Match(availability, @"HttpVerb: '(?<verb>[A-Z]+)'").Groups["verb"].Value;
        Assert.StartsWith(RouteAccess.RoutePrefix + "/", url);
        var rule = Assert.Single(RouteAccess.Rules, r => r.Method == verb && r.Template == url[(RouteAccess.RoutePrefix.Length + 1)..]);
        Assert.True(rule.Anonymous, $"{rule} needs a token; the availability test would always fail");
        Assert.Matches(@"(?m)^module availability 'modules/availability\.bicep'", MainBicep());
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedName();
}
