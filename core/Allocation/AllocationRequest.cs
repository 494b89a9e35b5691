namespace RpsServerless.Core.Allocation;

/// <summary>
/// One request to allocate an eligible screening. The workflow has already checked that the screening is
/// <c>eligible</c> and has no allocation yet (the storage transaction enforces one allocation per screening); it
/// passes the stratum from the eligibility result, who asked, the request id and the current UTC time.
/// </summary>
/// <param name="Stratum">The histology group as derived at screening (<c>DDLPS</c>…); stored as used.</param>
/// <param name="Assignment">The coordinator's choice under the <c>assigned</c> method (the request body); null under
/// the randomised methods.</param>
public sealed record AllocationRequest(
    string ScreeningId,
    string SiteId,
    string Stratum,
    string Actor,
    string RequestId,
    DateTimeOffset At,
    ArmAssignment? Assignment = null);

/// <summary>The request body under the <c>assigned</c> method; every field may be absent and is validated.</summary>
/// <param name="Basis"><c>patient_preference</c> or <c>mdt_recommendation</c> (the protocol's assigned bases).</param>
public sealed record ArmAssignment(string? Arm, string? Basis, string? Note);
