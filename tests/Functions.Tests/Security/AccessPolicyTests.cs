using RpsServerless.Functions.Security;
using static RpsServerless.Functions.Security.Permission;

namespace RpsServerless.Functions.Tests;

/// <summary>The role table, spelled out: a change to who may do what must change this test too.</summary>
public class AccessPolicyTests
{
    public static TheoryData<Role, Permission[]> Table() => new()
    {
        { Role.Coordinator, [ReadSiteData, RecordSiteData, Allocate] },
        { Role.Investigator, [ReadSiteData, RecordSiteData, Allocate, SignOffEligibility] },
        { Role.DataManager, [ReadSiteData, CorrectData, ReadReports, ExportData, ReadAudit] },
        { Role.Statistician, [ReadReports, ExportData] },
        { Role.Auditor, [ReadSiteData, ReadAudit] },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void RoleGrantsExactlyItsPermissions(Role role, Permission[] permissions) =>
        Assert.Equal(permissions.Order(), AccessPolicy.Grants[role].Order());

    [Fact]
    public void OnlyCoordinatorsAndInvestigatorsAreSiteScoped() =>
        Assert.Equal([Role.Coordinator, Role.Investigator], AccessPolicy.SiteScoped.Order());

    [Fact]
    public void ClaimValues_AreTheEntraAppRoleValues() =>
        Assert.Equal(["auditor", "coordinator", "data_manager", "investigator", "statistician"],
            Enum.GetValues<Role>().Select(r => r.ClaimValue()).Order());

    [Fact]
    public void OnlyDataManagersCorrect_OnlyInvestigatorsSignOff_NobodyButAuditorsAndDataManagersReadTheAudit()
    {
        Assert.Equal([Role.DataManager], Holders(CorrectData));
        Assert.Equal([Role.Investigator], Holders(SignOffEligibility));
        Assert.Equal([Role.DataManager, Role.Auditor], Holders(ReadAudit));
        Assert.DoesNotContain(Role.Statistician, Holders(ReadSiteData));
    }

    [Fact]
    public void SiteScopedRole_HoldsItsPermissionsOnlyAtItsSites()
    {
        var coordinator = new Caller("c", new HashSet<Role> { Role.Coordinator }, new HashSet<string> { "PKUIH" });
        Assert.True(coordinator.HoldsAt(Allocate, "PKUIH"));
        Assert.False(coordinator.HoldsAt(Allocate, "BFH"));
        Assert.False(coordinator.Holds(ReadAudit));

        var withoutSite = coordinator with { Sites = new HashSet<string>() };
        Assert.False(withoutSite.Holds(ReadSiteData));

        var dataManager = new Caller("d", new HashSet<Role> { Role.DataManager }, new HashSet<string>());
        Assert.True(dataManager.HoldsAt(ReadSiteData, "BFH"));
        Assert.False(dataManager.HoldsAt(RecordSiteData, "BFH"));
    }

    [Fact]
    public void NoRoles_NoPermissions() =>
        Assert.All(Enum.GetValues<Permission>(), p => Assert.False(new Caller("x", new HashSet<Role>(), new HashSet<string> { "PKUIH" }).Holds(p)));

    private static Role[] Holders(Permission permission) =>
        Enum.GetValues<Role>().Where(role => AccessPolicy.Grants[role].Contains(permission)).ToArray();
}

public class RouteAccessTests
{
    [Fact]
    public void EveryRuleIsUnique_AndNamesItsSiteParameter()
    {
        Assert.Equal(RouteAccess.Rules.Count, RouteAccess.Rules.Select(r => r.Key.ToLowerInvariant()).Distinct().Count());
        foreach (var rule in RouteAccess.Rules)
        {
            if (rule.SiteParameter is { } parameter)
                Assert.Contains("{" + parameter + "}", rule.Template);
            Assert.True(rule.Anonymous || rule.Permission is not null || rule.Template == "openapi.json", rule.Key);
            Assert.True(!rule.Anonymous || rule.Template == "health", $"{rule.Key}: only health is anonymous");
        }
    }

    [Theory]
    [InlineData("GET", "/api/sites/PKUIH/worklist", "sites/{siteId}/worklist", "siteId", "PKUIH")]
    [InlineData("GET", "/api/reports/consort.svg", "reports/consort.svg", null, null)]
    [InlineData("GET", "/api/reports/consort", "reports/consort", null, null)]
    [InlineData("POST", "/api/participants/NATARS-BFH-0001/visits/C1D1", "participants/{participantId}/visits/{visitId}", "participantId", "NATARS-BFH-0001")]
    [InlineData("GET", "/api/audit/export", "audit/export", null, null)]
    public void Match_FindsTheRuleAndItsRouteValues(string method, string path, string template, string? name, string? value)
    {
        var (rule, values) = RouteAccess.Match(method, path)!.Value;
        Assert.Equal(template, rule.Template);
        if (name is not null) Assert.Equal(value, values[name]);
    }

    [Theory]
    [InlineData("DELETE", "/api/audit")]
    [InlineData("GET", "/api/unknown")]
    [InlineData("GET", "/audit")]
    [InlineData("GET", "/api/sites//worklist")]
    public void Match_NothingForUnknownRoutes(string method, string path) => Assert.Null(RouteAccess.Match(method, path));
}
