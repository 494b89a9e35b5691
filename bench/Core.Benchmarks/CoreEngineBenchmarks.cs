using BenchmarkDotNet.Attributes;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Benchmarks;

/// <summary>
/// The three decisions the backend makes per request, each on realistic input. Budgets (issue "Core protocol
/// engine"): evaluation ≤ 20 µs and ≤ 16 KB allocated; allocation ≤ 20 µs; full schedule ≤ 100 µs.
/// </summary>
[MemoryDiagnoser]
public class CoreEngineBenchmarks
{
    private const string Submission = """
        {
          "siteId": "PKUIH", "screeningNumber": "PKUIH-S-0042", "screenedOn": "2026-11-20",
          "patient": { "ageYears": 58, "sex": "female", "asaClass": 2, "reproductivePotential": true,
            "pregnantOrBreastfeeding": false, "agreesToContraception": true, "secondMalignancyHistory": false,
            "psychologicalCondition": false, "informedConsentSigned": true },
          "tumor": { "histology": "DDLPS", "histologyConfirmedByBiopsy": true, "fnclccGrade": 3, "maxDiameterCm": 21.0,
            "originSite": "retroperitoneum", "crossesDiaphragm": false, "extendsIntoChestCavity": false,
            "metastasis": "none", "mdm2Ihc": "positive", "cdk4Ihc": "positive", "mdm2Fish": "amplified",
            "sftMitosesPer10Hpf": null, "sftNecrosisPercent": null },
          "history": { "priorResection": false, "laparotomyBiopsyOnly": false, "priorChemotherapy": false,
            "priorRadiotherapy": false, "priorTargetedTherapy": false, "priorAnthracycline": false,
            "priorIfosfamide": false, "severeContraindicationWithin6Months": false,
            "severeInfectionWithin1Month": false, "highBleedingRiskSurgeryWithin1Month": false },
          "mdt": { "reviewedOn": "2026-11-18", "r0R1ResectionFeasible": true,
            "fitForChemotherapyAndSurgery": true, "organFunction": "normal" }
        }
        """;

    private readonly ProtocolDefinition _protocol = ProtocolCatalog.Get("NATARS-1.0");
    private readonly AllocationSeed _seed = AllocationSeed.Parse("9f3b1c7e5a2d4806b1e0c3f7a9d2e5b48c6f0a1d3e7b9c2f5a8d0e4b6c1f3a7e");
    private ScreeningSubmission _submission = null!;
    private AllocationState _midTrialState = null!;
    private AllocationRequest _request = null!;
    private ParticipantTimeline _participant = null!;

    [GlobalSetup]
    public void Setup()
    {
        _submission = ScreeningSubmissionParser.Parse(Submission, _protocol).Submission!;

        // A state 40 allocations into the trial, so the benchmark sees a real cursor and counts, not the first draw.
        var at = new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);
        _midTrialState = AllocationState.Initial;
        string[] strata = ["DDLPS", "LMS", "UPS", "SFT"];
        for (var i = 0; i < 40; i++)
        {
            var outcome = Allocator.Allocate(_protocol, _midTrialState,
                new AllocationRequest($"scr_{i}", "PKUIH", strata[i % 4], "bench", $"req_{i}", at), _seed);
            _midTrialState = ((AllocationOutcome.Allocated)outcome).State;
        }
        _request = new AllocationRequest("scr_next", "BFH", "DDLPS", "bench", "req_next", at);

        // A neoadjuvant participant part-way through treatment: two cycles given, one late.
        _participant = new ParticipantTimeline("NATARS-PKUIH-0007", "PKUIH", "neoadjuvant", new DateOnly(2026, 11, 29),
            [RecordedVisit.Completed("C1D1", new DateOnly(2026, 12, 9)), RecordedVisit.Completed("C2D1", new DateOnly(2026, 12, 30))]);
    }

    [Benchmark]
    public EligibilityResult EvaluateScreening() => ScreeningEvaluator.Evaluate(_submission, _protocol);

    [Benchmark]
    public SubmissionParseResult ParseAndValidateSubmission() => ScreeningSubmissionParser.Parse(Submission, _protocol);

    [Benchmark]
    public AllocationOutcome AllocateOneParticipant() => Allocator.Allocate(_protocol, _midTrialState, _request, _seed);

    [Benchmark]
    public ParticipantSchedule BuildFullSchedule() => ScheduleBuilder.Build(_protocol, _participant, new DateOnly(2027, 1, 5));
}
