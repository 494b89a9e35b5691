using Hl7.Fhir.Model;
using Ical.Net;
using Microsoft.Extensions.Logging.Abstractions;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Exports;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Workflows.Exports;
using static RpsServerless.Functions.Tests.Outcomes.OutcomeHarness;
using Task = System.Threading.Tasks.Task;

namespace RpsServerless.Functions.Tests.Outcomes;

public class ExportTests
{
    private readonly OutcomeHarness _harness = new();
    private readonly FakeTimelineSource _timelines = new();

    private Http.ExportFeeds Functions => new(TestEndpoint.Create(_harness.Idempotency),
        new ExportFhir(_harness.Participants, _timelines, _harness.Pathology, _harness.Audit, _harness.Time, NullLogger<ExportFhir>.Instance),
        new ExportSiteCalendar(_harness.Participants, _timelines, _harness.Audit, _harness.Time, NullLogger<ExportSiteCalendar>.Instance));

    private void Timeline(string id, string arm, RecordedVisit[] visits, DateOnly? died = null, DateOnly? withdrew = null)
    {
        ParticipantIds(id, out var site);
        _timelines.Timelines[id] = new ParticipantTimeline(id, site, arm, AllocatedOn, visits, died, withdrew);
    }

    private static void ParticipantIds(string id, out string site) => Storage.Participants.ParticipantIds.TrySiteOf(id, out site);

    /// <summary>Six participants, one in each state the export distinguishes.</summary>
    private void SixParticipants()
    {
        // 0001 (neoadjuvant, nothing recorded) comes with the harness.
        _harness.Participants.Add(Participant("NATARS-PKUIH-0002", "neoadjuvant", 2));
        Timeline("NATARS-PKUIH-0002", "neoadjuvant", [RecordedVisit.Completed("C1D1", AllocatedOn.AddDays(7)), RecordedVisit.Completed("SURGERY", AllocatedOn.AddDays(40))]);
        _harness.Participants.Add(Participant("NATARS-PKUIH-0003", "neoadjuvant", 3));
        Timeline("NATARS-PKUIH-0003", "neoadjuvant", [RecordedVisit.Missed("C1D1", "declined chemotherapy"), RecordedVisit.Completed("SURGERY", AllocatedOn.AddDays(20))]);
        _harness.Participants.Add(Participant("NATARS-BFH-0001", "surgery_only", 4));
        Timeline("NATARS-BFH-0001", "surgery_only", [], withdrew: AllocatedOn.AddDays(10));
        _harness.Participants.Add(Participant("NATARS-BFH-0002", "surgery_only", 5));
        Timeline("NATARS-BFH-0002", "surgery_only", [], died: AllocatedOn.AddDays(12));
        _harness.Participants.Add(Participant("NATARS-ZSH-0001", "surgery_only", 6));
        Timeline("NATARS-ZSH-0001", "surgery_only", [RecordedVisit.Completed("SURGERY", AllocatedOn.AddDays(15))]);
        _harness.Pathology.Exclusions.Add(new ExclusionRecord(1, "NATARS-ZSH-0001", "E02", true, "Final pathology shows WDLPS", AllocatedOn.AddDays(25), 1, Start));
    }

    [Fact]
    public async Task FhirExport_ParsesBackWithTheSdk_WithTheStudyArmsAndOneSubjectPerParticipant()
    {
        SixParticipants();
        var request = TestHttp.Get("/api/exports/fhir");
        var response = await TestHttp.ExecuteAsync(await Functions.ExportFhir(request, default), request);

        Assert.Equal(200, response.Status);
        Assert.Equal("application/fhir+json; charset=utf-8", response.ContentType);
        var bundle = FhirExportBuilder.Parse(response.Body);
        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);

        var study = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<ResearchStudy>());
        Assert.Equal("NCT05844813", Assert.Single(study.Identifier).Value);
        Assert.StartsWith("Neoadjuvant Chemotherapy", study.Title, StringComparison.Ordinal);
        Assert.Equal(ResearchStudy.ResearchStudyStatus.Active, study.Status);
        Assert.Equal(["surgery_only", "neoadjuvant"], study.Arm.Select(a => a.Name));
        Assert.Equal(["The Surgery only Group", "The Neoadjuvant Therapy Group"], study.Arm.Select(a => a.Type!.Text));

        var subjects = bundle.Entry.Select(e => e.Resource).OfType<ResearchSubject>().ToDictionary(s => s.Identifier.Single().Value!);
        Assert.Equal(6, subjects.Count);
        var studyUrl = bundle.Entry.Single(e => e.Resource is ResearchStudy).FullUrl;
        Assert.All(subjects.Values, s => Assert.Equal(studyUrl, s.Study.Reference));
        Assert.All(subjects.Values, s => Assert.Equal(s.Id, s.Individual!.Identifier!.Value));

        Assert.Equal(ResearchSubject.ResearchSubjectStatus.OnStudyIntervention, subjects["NATARS-PKUIH-0001"].Status);
        Assert.Equal(ResearchSubject.ResearchSubjectStatus.FollowUp, subjects["NATARS-PKUIH-0002"].Status);
        Assert.Equal(ResearchSubject.ResearchSubjectStatus.FollowUp, subjects["NATARS-PKUIH-0003"].Status);
        Assert.Equal(ResearchSubject.ResearchSubjectStatus.Withdrawn, subjects["NATARS-BFH-0001"].Status);
        Assert.Equal(ResearchSubject.ResearchSubjectStatus.OffStudy, subjects["NATARS-BFH-0002"].Status);
        Assert.Equal(ResearchSubject.ResearchSubjectStatus.Ineligible, subjects["NATARS-ZSH-0001"].Status);

        Assert.Equal("neoadjuvant", subjects["NATARS-PKUIH-0002"].AssignedArm);
        Assert.Equal("neoadjuvant", subjects["NATARS-PKUIH-0002"].ActualArm);
        Assert.Equal("surgery_only", subjects["NATARS-PKUIH-0003"].ActualArm); // allocated neoadjuvant, operated without chemotherapy
        Assert.Null(subjects["NATARS-PKUIH-0001"].ActualArm);
        Assert.Equal("2027-01-04", subjects["NATARS-BFH-0001"].Period!.Start);
        Assert.Equal("2027-01-14", subjects["NATARS-BFH-0001"].Period!.End);
    }

    [Fact]
    public void FhirExport_IsStableForTheSameState()
    {
        var participants = new[] { Participant(ParticipantId, "neoadjuvant") };
        var progress = new Dictionary<string, ParticipantProgress>();
        var one = FhirExportBuilder.Serialize(FhirExportBuilder.Build(Core.Protocol.ProtocolCatalog.Get(), participants, progress, Start));
        var two = FhirExportBuilder.Serialize(FhirExportBuilder.Build(Core.Protocol.ProtocolCatalog.Get(), participants, progress, Start));
        Assert.Equal(one, two);
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", FhirExportBuilder.FullUrl("ResearchSubject", ParticipantId));
    }

    private async Task<(TestHttp.Written Response, Calendar Calendar)> CalendarAsync(string site = "PKUIH")
    {
        var request = TestHttp.Get($"/api/sites/{site}/calendar.ics");
        var response = await TestHttp.ExecuteAsync(await Functions.ExportSiteCalendar(request, site, default), request);
        return (response, response.Status == 200 ? Calendar.Load(response.Body)! : null!);
    }

    [Fact]
    public async Task Calendar_ParsesBackWithIcalNet_AllDayWindows_WithExclusiveEnd()
    {
        var (response, calendar) = await CalendarAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("text/calendar; charset=utf-8", response.ContentType);

        var c1 = calendar.Events.Single(e => e.Uid == $"{ParticipantId}-C1D1@{SiteCalendarBuilder.UidDomain}");
        Assert.True(c1.IsAllDay);
        Assert.Equal(new DateOnly(2027, 1, 4), c1.DtStart!.Date);   // window start (allocation + 7 − 7)
        Assert.Equal(new DateOnly(2027, 1, 19), c1.DtEnd!.Date);    // window end 2027-01-18, + 1 day
        Assert.Contains("Cycle 1 day 1", c1.Summary, StringComparison.Ordinal);
        Assert.Contains(ParticipantId, c1.Summary, StringComparison.Ordinal);
        Assert.Contains("DTSTART;VALUE=DATE:20270104", response.Body, StringComparison.Ordinal);
        Assert.Contains("DTEND;VALUE=DATE:20270119", response.Body, StringComparison.Ordinal);
        // Visits waiting for their anchor have no window and are not in the feed.
        Assert.DoesNotContain(calendar.Events, e => e.Uid!.Contains("-C2D1@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Calendar_KeepsUids_WhenAWindowMoves_AndRaisesTheSequence()
    {
        var (_, before) = await CalendarAsync();
        Timeline(ParticipantId, "neoadjuvant", [RecordedVisit.Completed("C1D1", new DateOnly(2027, 1, 15))]);
        var (_, after) = await CalendarAsync();

        var c2 = after.Events.Single(e => e.Uid == $"{ParticipantId}-C2D1@{SiteCalendarBuilder.UidDomain}");
        Assert.Equal(new DateOnly(2027, 2, 2), c2.DtStart!.Date); // actual C1D1 + 21 − 3
        Assert.Equal(1, c2.Sequence);
        Assert.Equal(0, before.Events.First().Sequence);
        Assert.Subset(after.Events.Select(e => e.Uid).ToHashSet(), before.Events.Select(e => e.Uid).ToHashSet());
        Assert.Equal(after.Events.Count, after.Events.Select(e => e.Uid).Distinct().Count());
    }

    [Fact]
    public async Task Calendar_MarksVisitsCancelledAfterWithdrawal()
    {
        Timeline(ParticipantId, "neoadjuvant", [], withdrew: new DateOnly(2027, 1, 6));
        var (_, calendar) = await CalendarAsync();
        var c1 = calendar.Events.Single(e => e.Uid!.Contains("-C1D1@", StringComparison.Ordinal));
        Assert.Equal("CANCELLED", c1.Status);
    }

    [Fact]
    public async Task Calendar_OfAnUnknownSite_Is404_AndOnlyTheSitesParticipantsAreListed()
    {
        Assert.Equal(404, (await CalendarAsync("NOWHERE")).Response.Status);
        _harness.Participants.Add(Participant("NATARS-BFH-0001", "surgery_only", 2));
        var (_, calendar) = await CalendarAsync();
        Assert.All(calendar.Events, e => Assert.StartsWith(ParticipantId, e.Uid, StringComparison.Ordinal));
    }
}
