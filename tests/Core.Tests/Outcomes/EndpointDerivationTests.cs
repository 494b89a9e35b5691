using RpsServerless.Core.Outcomes;
using static RpsServerless.Core.Tests.Outcomes.Outcomes;

namespace RpsServerless.Core.Tests.Outcomes;

/// <summary>PFS and OS per participant (protocol.md §6): every event type, every censoring rule, ties and order.</summary>
public class EndpointDerivationTests
{
    private static ParticipantEndpoints Derive(ParticipantOutcomes participant) => EndpointDerivation.Derive(participant);

    private static void AssertEvent(TimeToEvent value, int days, string description)
    {
        Assert.Equal((days, 0, description, (string?)null), (value.Days, value.Censor, value.EventDescription, value.CensoringDescription));
        Assert.Equal(Day(days), value.AnalysisDate);
        Assert.Equal(Allocated, value.StartDate);
    }

    private static void AssertCensored(TimeToEvent value, int days, string description)
    {
        Assert.Equal((days, 1, (string?)null, description), (value.Days, value.Censor, value.EventDescription, value.CensoringDescription));
        Assert.Equal(Day(days), value.AnalysisDate);
    }

    // PFS events ----------------------------------------------------------------------------------------------------

    [Fact]
    public void ProgressionDuringNeoadjuvantTherapy_IsAPfsEventOnTheScanDate()
    {
        var endpoints = Derive(Participant(assessments: [Scan(40, AssessmentResult.Stable), Scan(60, AssessmentResult.Progression)]));
        AssertEvent(endpoints.Pfs, 60, EndpointDescriptions.Progression);
    }

    [Fact]
    public void DistantMetastasisDuringNeoadjuvantTherapy_IsAPfsEvent()
    {
        var endpoints = Derive(Participant(assessments: [Scan(45, AssessmentResult.DistantMetastasis)]));
        AssertEvent(endpoints.Pfs, 45, EndpointDescriptions.DistantMetastasis);
    }

    [Fact]
    public void ProgressionBeforeSurgeryInTheSurgeryOnlyArm_IsAlsoAnEvent()
    {
        var endpoints = Derive(Participant(arm: "surgery_only", assessments: [Scan(10, AssessmentResult.Progression)]));
        AssertEvent(endpoints.Pfs, 10, EndpointDescriptions.Progression);
    }

    [Fact]
    public void TumourUnresectableAtSurgery_IsAnEventOnTheSurgeryDate()
    {
        var endpoints = Derive(Participant(assessments: [Scan(60, AssessmentResult.Stable)], surgery: new SurgeryDetails(Day(85), Resection.Unresectable)));
        AssertEvent(endpoints.Pfs, 85, EndpointDescriptions.UnresectableAtSurgery);
    }

    [Fact]
    public void R2Resection_IsAnEventOnTheSurgeryDate()
    {
        var endpoints = Derive(Participant(arm: "surgery_only", surgery: new SurgeryDetails(Day(14), Resection.R2)));
        AssertEvent(endpoints.Pfs, 14, EndpointDescriptions.R2Resection);
    }

    [Theory]
    [InlineData(Resection.R0)]
    [InlineData(Resection.R1)]
    public void R0OrR1Resection_IsNotAnEvent(Resection resection)
    {
        var endpoints = Derive(Participant(surgery: new SurgeryDetails(Day(85), resection), assessments: [Scan(180, AssessmentResult.NoEvidenceOfDisease)]));
        AssertCensored(endpoints.Pfs, 180, EndpointDescriptions.LastEvaluableAssessment);
    }

    [Fact]
    public void LocalRecurrenceAfterResection_IsAnEvent()
    {
        var endpoints = Derive(Participant(
            surgery: new SurgeryDetails(Day(85), Resection.R0),
            assessments: [Scan(180, AssessmentResult.NoEvidenceOfDisease), Scan(270, AssessmentResult.LocalRecurrence)]));
        AssertEvent(endpoints.Pfs, 270, EndpointDescriptions.LocalRecurrence);
    }

    [Fact]
    public void DistantMetastasisAfterResection_IsAnEvent()
    {
        var endpoints = Derive(Participant(
            surgery: new SurgeryDetails(Day(85), Resection.R1),
            assessments: [Scan(180, AssessmentResult.NoEvidenceOfDisease), Scan(365, AssessmentResult.DistantMetastasis)]));
        AssertEvent(endpoints.Pfs, 365, EndpointDescriptions.DistantMetastasis);
    }

    [Fact]
    public void DeathWithoutProgression_IsAPfsAndOsEvent()
    {
        var endpoints = Derive(Participant(assessments: [Scan(90, AssessmentResult.NoEvidenceOfDisease)], status: [new Died(Day(120), DeathCause.Other)]));
        AssertEvent(endpoints.Pfs, 120, EndpointDescriptions.Death);
        AssertEvent(endpoints.Os, 120, EndpointDescriptions.Death);
    }

    [Fact]
    public void ProgressionAndDeathOnTheSameDay_IsOneEventOnThatDayDescribedAsProgression()
    {
        var endpoints = Derive(Participant(assessments: [Scan(200, AssessmentResult.DistantMetastasis)], status: [new Died(Day(200), DeathCause.Sarcoma)]));
        AssertEvent(endpoints.Pfs, 200, EndpointDescriptions.DistantMetastasis);
        AssertEvent(endpoints.Os, 200, EndpointDescriptions.Death);
    }

    [Fact]
    public void LocalRecurrenceAndDistantMetastasisOnOneScanDay_NamesTheDistantMetastasis()
    {
        var endpoints = Derive(Participant(assessments: [Scan(300, AssessmentResult.LocalRecurrence), Scan(300, AssessmentResult.DistantMetastasis)]));
        AssertEvent(endpoints.Pfs, 300, EndpointDescriptions.DistantMetastasis);
    }

    [Fact]
    public void EventsAfterTheFirst_AreIgnored()
    {
        var endpoints = Derive(Participant(
            assessments: [Scan(400, AssessmentResult.DistantMetastasis), Scan(150, AssessmentResult.LocalRecurrence), Scan(500, AssessmentResult.Progression)],
            surgery: new SurgeryDetails(Day(85), Resection.R0),
            status: [new Died(Day(700), DeathCause.Sarcoma)]));
        AssertEvent(endpoints.Pfs, 150, EndpointDescriptions.LocalRecurrence);
        AssertEvent(endpoints.Os, 700, EndpointDescriptions.Death);
    }

    [Fact]
    public void ProgressionBeforeAnR2Resection_IsTheEvent()
    {
        var endpoints = Derive(Participant(assessments: [Scan(60, AssessmentResult.Progression)], surgery: new SurgeryDetails(Day(80), Resection.R2)));
        AssertEvent(endpoints.Pfs, 60, EndpointDescriptions.Progression);
    }

    // PFS censoring ---------------------------------------------------------------------------------------------------

    [Fact]
    public void NoEvent_IsCensoredAtTheLastEvaluableAssessment()
    {
        var endpoints = Derive(Participant(
            assessments: [Scan(270, AssessmentResult.NoEvidenceOfDisease), Scan(90, AssessmentResult.Stable), Scan(180, AssessmentResult.NoEvidenceOfDisease)],
            visits: [Day(300)]));
        AssertCensored(endpoints.Pfs, 270, EndpointDescriptions.LastEvaluableAssessment);
    }

    [Fact]
    public void NoAssessmentAtAll_IsCensoredAtAllocationWithAval0()
    {
        var endpoints = Derive(Participant(surgery: new SurgeryDetails(Day(14), Resection.R0), visits: [Day(14), Day(44)]));
        AssertCensored(endpoints.Pfs, 0, EndpointDescriptions.NoEvaluableAssessment);
        Assert.Equal(Allocated, endpoints.Pfs.AnalysisDate);
    }

    [Fact]
    public void BaselineImagingBeforeAllocation_IsNeitherEventNorFollowUp()
    {
        var endpoints = Derive(Participant(assessments: [Scan(-5, AssessmentResult.DistantMetastasis), Scan(-3, AssessmentResult.Stable)]));
        AssertCensored(endpoints.Pfs, 0, EndpointDescriptions.NoEvaluableAssessment);
    }

    [Fact]
    public void WithdrawnParticipant_IsCensoredAtTheLastAssessmentBeforeWithdrawal()
    {
        var endpoints = Derive(Participant(
            assessments: [Scan(90, AssessmentResult.Stable), Scan(180, AssessmentResult.NoEvidenceOfDisease), Scan(400, AssessmentResult.LocalRecurrence)],
            status: [new Withdrawn(Day(200), WithdrawalReason.ConsentWithdrawn)]));
        AssertCensored(endpoints.Pfs, 180, EndpointDescriptions.LastAssessmentBeforeWithdrawal);
    }

    [Fact]
    public void DeathAfterWithdrawal_IsCensoredForPfsButCountsForOs()
    {
        var endpoints = Derive(Participant(
            assessments: [Scan(90, AssessmentResult.Stable)],
            status: [new Withdrawn(Day(100), WithdrawalReason.ParticipantDecision), new Died(Day(500), DeathCause.Unknown)]));
        AssertCensored(endpoints.Pfs, 90, EndpointDescriptions.LastAssessmentBeforeWithdrawal);
        AssertEvent(endpoints.Os, 500, EndpointDescriptions.Death);
    }

    [Fact]
    public void EventBeforeWithdrawal_StillCounts()
    {
        var endpoints = Derive(Participant(
            assessments: [Scan(90, AssessmentResult.Progression)],
            status: [new Withdrawn(Day(100), WithdrawalReason.AdverseEvent)]));
        AssertEvent(endpoints.Pfs, 90, EndpointDescriptions.Progression);
    }

    [Fact]
    public void LostToFollowUp_IsCensoredAtTheLastAssessmentForPfsAndLastKnownAliveForOs()
    {
        var endpoints = Derive(Participant(
            assessments: [Scan(180, AssessmentResult.NoEvidenceOfDisease)],
            status: [new LostToFollowUp(Day(250))]));
        AssertCensored(endpoints.Pfs, 180, EndpointDescriptions.LastEvaluableAssessment);
        AssertCensored(endpoints.Os, 250, EndpointDescriptions.LastKnownAlive);
    }

    [Fact]
    public void AssessmentAfterDeath_IsIgnored()
    {
        var endpoints = Derive(Participant(
            assessments: [Scan(90, AssessmentResult.Stable), Scan(150, AssessmentResult.DistantMetastasis)],
            status: [new Died(Day(120), DeathCause.TreatmentToxicity)]));
        AssertEvent(endpoints.Pfs, 120, EndpointDescriptions.Death);
    }

    [Fact]
    public void CorrectedDeath_IsNoLongerAnEvent()
    {
        var records = new[]
        {
            new ParticipantStatusRecord(1, new Died(Day(120), DeathCause.Unknown), At(0)),
            new ParticipantStatusRecord(2, new AliveOn(Day(130)), At(1), CorrectsRecord: 1, CorrectionReason: "Death entered for the wrong participant."),
        };
        var endpoints = Derive(Participant() with { StatusRecords = records, Assessments = [Scan(90, AssessmentResult.Stable)] });
        AssertCensored(endpoints.Pfs, 90, EndpointDescriptions.LastEvaluableAssessment);
        AssertCensored(endpoints.Os, 130, EndpointDescriptions.LastKnownAlive);
    }

    [Fact]
    public void CorrectedDeathDate_IsTheDateUsed()
    {
        var records = new[]
        {
            new ParticipantStatusRecord(1, new Died(Day(120), DeathCause.Unknown), At(0)),
            new ParticipantStatusRecord(2, new Died(Day(125), DeathCause.Sarcoma), At(1), CorrectsRecord: 1, CorrectionReason: "Date misread from the certificate."),
        };
        var endpoints = Derive(Participant() with { StatusRecords = records });
        AssertEvent(endpoints.Os, 125, EndpointDescriptions.Death);
    }

    // OS censoring -----------------------------------------------------------------------------------------------------

    [Fact]
    public void Alive_IsCensoredAtTheLatestOfEveryRecordThatShowsTheParticipantAlive()
    {
        var endpoints = Derive(Participant(
            assessments: [Scan(270, AssessmentResult.NoEvidenceOfDisease)],
            surgery: new SurgeryDetails(Day(85), Resection.R0),
            status: [new AliveOn(Day(200))],
            visits: [Day(7), Day(310)]));
        AssertCensored(endpoints.Os, 310, EndpointDescriptions.LastKnownAlive);

        var byStatus = Derive(Participant(assessments: [Scan(270, AssessmentResult.Stable)], status: [new AliveOn(Day(400))]));
        AssertCensored(byStatus.Os, 400, EndpointDescriptions.LastKnownAlive);

        var byAssessment = Derive(Participant(assessments: [Scan(270, AssessmentResult.LocalRecurrence)], visits: [Day(100)]));
        AssertCensored(byAssessment.Os, 270, EndpointDescriptions.LastKnownAlive);
    }

    [Fact]
    public void NothingAfterAllocation_IsOsCensoredAtAllocation()
    {
        var endpoints = Derive(Participant());
        AssertCensored(endpoints.Os, 0, EndpointDescriptions.LastKnownAlive);
    }

    [Fact]
    public void WithdrawalDate_CountsAsKnownAlive()
    {
        var endpoints = Derive(Participant(status: [new Withdrawn(Day(60), WithdrawalReason.ParticipantDecision)]));
        AssertCensored(endpoints.Os, 60, EndpointDescriptions.LastKnownAlive);
    }

    // ITT flags ----------------------------------------------------------------------------------------------------------

    [Fact]
    public void AllocatedInErrorAndExcludedAfterAllocation_StayInTheAnalysisFlagged()
    {
        var endpoints = Derive(Participant(
            assessments: [Scan(90, AssessmentResult.Progression)],
            status: [new AllocatedInError(AllocationErrorReason.IneligibleAtAllocation)]) with { ExcludedAfterAllocation = true });
        Assert.True(endpoints.AllocatedInError);
        Assert.True(endpoints.ExcludedAfterAllocation);
        AssertEvent(endpoints.Pfs, 90, EndpointDescriptions.Progression);
        Assert.Equal("neoadjuvant", endpoints.Arm);
    }

    [Fact]
    public void EventDateIsNeverBeforeAllocationAndDaysMatchTheDates()
    {
        // Every combination of a few records: AVAL = ADT - STARTDT >= 0, CNSR is 0 exactly when there is an event description.
        var results = Enum.GetValues<AssessmentResult>();
        foreach (var first in results)
        foreach (var second in results)
        foreach (var resection in Enum.GetValues<Resection>())
        {
            var endpoints = Derive(Participant(
                assessments: [Scan(50, first), Scan(120, second)], surgery: new SurgeryDetails(Day(85), resection),
                status: [new Died(Day(100), DeathCause.Other)]));
            foreach (var value in new[] { endpoints.Pfs, endpoints.Os })
            {
                Assert.Equal(value.AnalysisDate.DayNumber - value.StartDate.DayNumber, value.Days);
                Assert.InRange(value.Days, 0, 100);
                Assert.Equal(value.Censor == 0, value.EventDescription is not null && value.CensoringDescription is null);
            }
            Assert.True(endpoints.Pfs.IsEvent);
        }
    }
}
