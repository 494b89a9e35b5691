using RpsServerless.Core.Outcomes;
using static RpsServerless.Core.Tests.Outcomes.Outcomes;

namespace RpsServerless.Core.Tests.Outcomes;

/// <summary>The ADTTE rows and their RFC 4180 CSV text.</summary>
public class AdtteTests
{
    [Fact]
    public void Rows_ArePfsThenOsPerParticipantInIdOrder()
    {
        var endpoints = new[]
        {
            EndpointDerivation.Derive(Participant(id: "NATARS-ZSH-0002", arm: "surgery_only", assessments: [Scan(90, AssessmentResult.LocalRecurrence)])),
            EndpointDerivation.Derive(Participant(id: "NATARS-BFH-0001", status: [new Died(Day(30), DeathCause.TreatmentToxicity)])),
        };
        var rows = Adtte.Rows(endpoints);
        Assert.Equal([("NATARS-BFH-0001", "PFS"), ("NATARS-BFH-0001", "OS"), ("NATARS-ZSH-0002", "PFS"), ("NATARS-ZSH-0002", "OS")],
            rows.Select(r => (r.Usubjid, r.Paramcd)));
        Assert.Equal(new AdtteRow("NATARS-ZSH-0002", "surgery_only", "PFS", 90, 0, Allocated, Day(90), EndpointDescriptions.LocalRecurrence, null), rows[2]);
        Assert.Equal(new AdtteRow("NATARS-ZSH-0002", "surgery_only", "OS", 90, 1, Allocated, Day(90), null, EndpointDescriptions.LastKnownAlive), rows[3]);
    }

    [Fact]
    public void Csv_HasTheHeaderIsoDatesCrlfAndEmptyFieldsForAbsentDescriptions()
    {
        var csv = Adtte.ToCsv([new AdtteRow("NATARS-PKUIH-0001", "neoadjuvant", "PFS", 0, 1, Allocated, Allocated, null, EndpointDescriptions.NoEvaluableAssessment)]);
        Assert.Equal(
            "USUBJID,ARM,PARAMCD,AVAL,CNSR,STARTDT,ADT,EVNTDESC,CNSDTDSC\r\n" +
            "NATARS-PKUIH-0001,neoadjuvant,PFS,0,1,2027-01-04,2027-01-04,,ALLOCATION DATE (NO EVALUABLE DISEASE ASSESSMENT)\r\n",
            csv);
    }

    [Fact]
    public void FieldsWithCommasQuotesOrLineBreaks_AreQuotedWithDoubledQuotes()
    {
        var csv = Adtte.ToCsv([new AdtteRow("A,1", "arm \"x\"", "OS", 5, 0, Allocated, Day(5), "line\r\nbreak", null)]);
        Assert.EndsWith("\"A,1\",\"arm \"\"x\"\"\",OS,5,0,2027-01-04,2027-01-09,\"line\r\nbreak\",\r\n", csv);
    }
}
