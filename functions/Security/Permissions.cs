namespace RpsServerless.Functions.Security;

/// <summary>The app roles of the API registration in Entra ID (docs/deploy.md §4); they reach tokens in the <c>roles</c> claim.</summary>
public enum Role
{
    Coordinator,
    Investigator,
    DataManager,
    Statistician,
    Auditor,
}

/// <summary>What a caller may do. Routes require one (<see cref="RouteAccess"/>); roles grant them (<see cref="AccessPolicy"/>).</summary>
public enum Permission
{
    /// <summary>Read a site's screenings, participants, schedules, worklist, notifications.</summary>
    ReadSiteData,

    /// <summary>Submit a screening; record visits, assessments, adverse events, pathology, status.</summary>
    RecordSiteData,

    /// <summary>Allocate an arm to an eligible screening.</summary>
    Allocate,

    /// <summary>Sign off a screening's eligibility as the investigator.</summary>
    SignOffEligibility,

    /// <summary>Correct recorded data, always with a reason (audited before/after).</summary>
    CorrectData,

    /// <summary>Read trial-wide aggregate reports (CONSORT, survival, safety, enrolment).</summary>
    ReadReports,

    /// <summary>Download analysis datasets (ADTTE, FHIR). Every download is audited.</summary>
    ExportData,

    /// <summary>Read and export the audit trail.</summary>
    ReadAudit,
}

/// <summary>
/// The one table of who may do what (21 CFR 11.10(d), (g)). Site-scoped roles hold their permissions only at the
/// sites of the caller's site claim; trial-wide roles at every site.
/// </summary>
public static class AccessPolicy
{
    public static IReadOnlyDictionary<Role, IReadOnlySet<Permission>> Grants { get; } = new Dictionary<Role, IReadOnlySet<Permission>>
    {
        [Role.Coordinator] = new HashSet<Permission> { Permission.ReadSiteData, Permission.RecordSiteData, Permission.Allocate },
        [Role.Investigator] = new HashSet<Permission>
            { Permission.ReadSiteData, Permission.RecordSiteData, Permission.Allocate, Permission.SignOffEligibility },
        [Role.DataManager] = new HashSet<Permission>
            { Permission.ReadSiteData, Permission.CorrectData, Permission.ReadReports, Permission.ExportData, Permission.ReadAudit },
        // Aggregates and analysis datasets only: no site routes, so no identifiers beyond study ids reach them.
        [Role.Statistician] = new HashSet<Permission> { Permission.ReadReports, Permission.ExportData },
        [Role.Auditor] = new HashSet<Permission> { Permission.ReadSiteData, Permission.ReadAudit },
    };

    /// <summary>Roles whose permissions hold only at the caller's own sites.</summary>
    public static IReadOnlySet<Role> SiteScoped { get; } = new HashSet<Role> { Role.Coordinator, Role.Investigator };

    /// <summary>The <c>roles</c> claim value of each role.</summary>
    public static IReadOnlyDictionary<Role, string> ClaimValues { get; } = new Dictionary<Role, string>
    {
        [Role.Coordinator] = "coordinator",
        [Role.Investigator] = "investigator",
        [Role.DataManager] = "data_manager",
        [Role.Statistician] = "statistician",
        [Role.Auditor] = "auditor",
    };

    public static string ClaimValue(this Role role) => ClaimValues[role];

    public static bool TryParseRole(string claimValue, out Role role)
    {
        foreach (var (candidate, value) in ClaimValues)
        {
            if (string.Equals(value, claimValue, StringComparison.Ordinal))
            {
                role = candidate;
                return true;
            }
        }
        role = default;
        return false;
    }
}
