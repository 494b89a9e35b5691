using RpsServerless.Core.Protocol;
using RpsServerless.Core.Reports;
using static RpsServerless.Core.Tests.Reports.ReportSamples;

namespace RpsServerless.Core.Tests.Reports;

/// <summary>Every kind of figure the reports emit, on the simulated trial and on the edge cases a live trial meets.</summary>
internal static class ReportFigures
{
    /// <summary>A protocol whose site names and arm labels need escaping in XML.</summary>
    public static ProtocolDefinition AwkwardProtocol => Natars with
    {
        Sites = [.. Natars.Sites.Select(s => s.Id == "BFH" ? s with { Name = "Beijing Friendship & Children's \"West\" Hospital <BFH>" } : s)],
        Arms = [.. Natars.Arms.Select(a => a.Id == SurgeryOnly ? a with { Label = "Surgery only & <no> 'chemo'" } : a)],
    };

    public static IReadOnlyList<(string Name, string Svg)> All()
    {
        var trial = Simulated();
        var figures = new List<(string, string)>
        {
            ("consort-all-sites", ConsortDiagram.Render(ConsortFlow.Build(Natars, trial.Screenings, trial.Participants, DataCut))),
            ("consort-site-xjtu1", ConsortDiagram.Render(ConsortFlow.Build(Natars, trial.Screenings, trial.Participants, DataCut, "XJTU1"))),
            ("consort-hand-counted", ConsortDiagram.Render(ConsortFlow.Build(Natars, HandCountedScreenings, HandCountedParticipants, DataCut))),
            ("consort-escaping", ConsortDiagram.Render(ConsortFlow.Build(AwkwardProtocol, HandCountedScreenings.Select(s => s with { SiteId = s.SiteId == "PKUIH" ? "BFH" : s.SiteId }),
                HandCountedParticipants.Select(p => p with { SiteId = p.SiteId == "PKUIH" ? "BFH" : p.SiteId, Withdrawn = p.Withdrawn is null ? null : "Moved to B&B's <abroad>" }), DataCut, "BFH"))),
            ("km-pfs", KaplanMeierPlot.Render(SurvivalReport.Build(Natars, SurvivalEndpoint.Pfs, trial.Pfs, DataCut))),
            ("km-os", KaplanMeierPlot.Render(SurvivalReport.Build(Natars, SurvivalEndpoint.Os, trial.Os, DataCut))),
            ("km-one-arm-empty", KaplanMeierPlot.Render(SurvivalReport.Build(Natars, SurvivalEndpoint.Pfs, trial.Pfs.Where(t => t.Arm == Neoadjuvant), DataCut))),
            ("km-all-censored", KaplanMeierPlot.Render(SurvivalReport.Build(Natars, SurvivalEndpoint.Os, trial.Os.Select(t => t with { IsEvent = false }), DataCut))),
            ("km-reaches-zero", KaplanMeierPlot.Render(SurvivalReport.Build(Natars, SurvivalEndpoint.Pfs,
            [
                new TimeToEvent("A", Neoadjuvant, 40, true), new TimeToEvent("B", Neoadjuvant, 95, true), new TimeToEvent("C", Neoadjuvant, 130, false),
                new TimeToEvent("D", Neoadjuvant, 210, true), new TimeToEvent("E", SurgeryOnly, 20, true), new TimeToEvent("F", SurgeryOnly, 60, true),
                new TimeToEvent("G", SurgeryOnly, 61, true),
            ], DataCut))),
            ("km-no-participants", KaplanMeierPlot.Render(SurvivalReport.Build(Natars, SurvivalEndpoint.Os, [], DataCut))),
            ("km-escaping", KaplanMeierPlot.Render(SurvivalReport.Build(AwkwardProtocol, SurvivalEndpoint.Pfs, trial.Pfs, DataCut))),
        };
        return figures;
    }
}
