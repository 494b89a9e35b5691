using System.Text;
using RpsServerless.Functions.Http;

namespace RpsServerless.Functions.Tests;

public class ApiJsonTests
{
    private sealed record Patient(int AgeYears, string Sex);

    private sealed record Submission(string SiteId, DateOnly ScreenedOn, Patient Patient, double? MaxDiameterCm);

    private static (bool Ok, Submission? Value, IReadOnlyList<Core.FieldError> Errors) Read(string json)
    {
        var ok = ApiJson.TryDeserialize<Submission>(Encoding.UTF8.GetBytes(json), out var value, out var errors);
        return (ok, value, errors);
    }

    [Fact]
    public void WellFormedBody_Deserializes()
    {
        var (ok, value, _) = Read("""{"siteId":"PKUIH","screenedOn":"2026-11-20","patient":{"ageYears":58,"sex":"female"},"maxDiameterCm":null}""");
        Assert.True(ok);
        Assert.Equal(new DateOnly(2026, 11, 20), value!.ScreenedOn);
        Assert.Null(value.MaxDiameterCm);
    }

    [Fact]
    public void MalformedJson_IsAnErrorOfTheBody()
    {
        var (ok, _, errors) = Read("""{"siteId": "PKUIH",""");
        Assert.False(ok);
        Assert.Equal("$", Assert.Single(errors).Path);
    }

    [Fact]
    public void UnknownField_IsRejectedAtItsPath()
    {
        var (ok, _, errors) = Read("""{"siteId":"PKUIH","screenedOn":"2026-11-20","patient":{"ageYears":58,"sex":"female","name":"X"}}""");
        Assert.False(ok);
        var error = Assert.Single(errors);
        Assert.Equal("patient.name", error.Path);
        Assert.Equal("Unknown field.", error.Message);
    }

    [Fact]
    public void WrongType_IsRejectedAtItsPath_WithoutNamingDotNetTypes()
    {
        var (ok, _, errors) = Read("""{"siteId":"PKUIH","screenedOn":"2026-11-20","patient":{"ageYears":"old","sex":"female"}}""");
        Assert.False(ok);
        var error = Assert.Single(errors);
        Assert.Equal("patient.ageYears", error.Path);
        Assert.DoesNotContain("System.", error.Message);
    }

    [Fact]
    public void MissingRequiredMember_IsRequired()
    {
        var (ok, _, errors) = Read("""{"siteId":"PKUIH","patient":{"ageYears":58,"sex":"female"}}""");
        Assert.False(ok);
        Assert.Contains(errors, error => error.Path == "screenedOn" && error.Message == "Required.");
    }

    [Fact]
    public void NullForNonNullable_IsRejected()
    {
        var (ok, _, errors) = Read("""{"siteId":null,"screenedOn":"2026-11-20","patient":{"ageYears":58,"sex":"female"}}""");
        Assert.False(ok);
        Assert.Equal("siteId", Assert.Single(errors).Path);
    }

    [Fact]
    public void JsonNullBody_IsRejected()
    {
        var (ok, _, errors) = Read("null");
        Assert.False(ok);
        Assert.Equal("$", Assert.Single(errors).Path);
    }
}
