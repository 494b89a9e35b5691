using System.Text.Json.Nodes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Tests.Screening;

/// <summary>api.md: no direct identifiers are accepted. They are not fields of the screening body, so they are 400s.</summary>
public class DirectIdentifierTests
{
    private static readonly string Sample = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "screening-submission.json"));

    [Theory]
    [InlineData("", "name", "Zhang Wei")]
    [InlineData("", "patientName", "Li Na")]
    [InlineData("", "nationalId", "110101199003074514")]
    [InlineData("", "idCardNumber", "110101199003074514")]
    [InlineData("", "phone", "+86 138 0013 8000")]
    [InlineData("", "hospitalRecordNumber", "MRN-88231")]
    [InlineData("patient", "name", "Zhang Wei")]
    [InlineData("patient", "fullName", "Wang Fang")]
    [InlineData("patient", "nationalId", "110101199003074514")]
    [InlineData("patient", "phoneNumber", "13800138000")]
    [InlineData("patient", "dateOfBirth", "1968-03-07")]
    [InlineData("patient", "address", "1 Xueyuan Road, Beijing")]
    [InlineData("mdt", "reviewerName", "Dr Chen")]
    public void DirectIdentifier_IsRejectedAsAnUnknownField(string parent, string field, string value)
    {
        var body = JsonNode.Parse(Sample)!.AsObject();
        var target = parent.Length == 0 ? body : body[parent]!.AsObject();
        target[field] = value;

        var result = ScreeningSubmissionParser.Parse(body.ToJsonString(), ProtocolCatalog.Get());

        Assert.False(result.IsValid);
        var path = parent.Length == 0 ? field : parent + "." + field;
        Assert.Contains(result.Errors, error => error.Path == path);
        // The error names the field, never echoes the identifier back.
        Assert.All(result.Errors, error => Assert.DoesNotContain(value, error.Message));
    }

    [Fact]
    public void TheSampleItself_IsAccepted() => Assert.True(ScreeningSubmissionParser.Parse(Sample, ProtocolCatalog.Get()).IsValid);
}
