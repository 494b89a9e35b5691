using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Exports;

/// <summary>
/// The FHIR R4 façade of the trial (trial-software-anchors.md §4 and §6 item 10): a <c>Bundle</c> of type
/// <c>collection</c> with one <c>ResearchStudy</c> and one <c>ResearchSubject</c> per participant. Subjects carry the
/// study id only, never a direct identifier; <c>individual</c> (required in R4) is a logical reference by that same
/// study id, since no Patient resource leaves the trial database.
/// </summary>
public static class FhirExportBuilder
{
    public const string ContentType = "application/fhir+json; charset=utf-8";

    /// <summary>ClinicalTrials.gov as the identifier system of NCT numbers.</summary>
    public const string RegistrySystem = "https://clinicaltrials.gov";

    /// <summary>The system of the trial's participant (study) ids; the sponsor may assign an OID in its place.</summary>
    public const string ParticipantIdSystem = "urn:natars:participant-id";

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static Bundle Build(ProtocolDefinition protocol, IReadOnlyList<ParticipantRecord> participants,
        IReadOnlyDictionary<string, ParticipantProgress> progress, DateTimeOffset generatedAt)
    {
        var studyUrl = FullUrl("ResearchStudy", protocol.Trial.RegistryId);
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Timestamp = generatedAt.ToUniversalTime(),
            Identifier = new Identifier(RegistrySystem, $"{protocol.Trial.RegistryId}-export-{generatedAt.UtcDateTime:yyyyMMddTHHmmssZ}"),
        };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = studyUrl, Resource = Study(protocol) });
        foreach (var participant in participants.OrderBy(p => p.ParticipantId, StringComparer.Ordinal))
        {
            var known = progress.TryGetValue(participant.ParticipantId, out var p) ? p : ParticipantProgress.Unknown(participant.ParticipantId, false);
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = FullUrl("ResearchSubject", participant.ParticipantId),
                Resource = Subject(participant, known, studyUrl),
            });
        }
        return bundle;
    }

    public static byte[] Serialize(Bundle bundle) => JsonSerializer.SerializeToUtf8Bytes(bundle, Json);

    /// <summary>Reads a bundle back with the SDK (strict: unknown elements and invalid codes fail).</summary>
    public static Bundle Parse(string json) => JsonSerializer.Deserialize<Bundle>(json, Json)!;

    private static ResearchStudy Study(ProtocolDefinition protocol)
    {
        var study = new ResearchStudy
        {
            Id = protocol.Trial.RegistryId,
            Identifier = [new Identifier(RegistrySystem, protocol.Trial.RegistryId)],
            Title = protocol.Trial.Title,
            // Recruiting and treating: the trial is open. Closing it is an audited decision, not something derived here.
            Status = ResearchStudy.ResearchStudyStatus.Active,
            Sponsor = new ResourceReference { Display = protocol.Trial.Sponsor },
            Description = $"{protocol.Trial.Acronym}, protocol version {protocol.Version}.",
        };
        // The arm's name is its protocol id, because ResearchSubject.assignedArm must match ResearchStudy.arm.name.
        foreach (var arm in protocol.Arms)
            study.Arm.Add(new ResearchStudy.ArmComponent
            {
                Name = arm.Id,
                Type = new CodeableConcept { Text = arm.Label },
                Description = $"{arm.Label}: {arm.Treatment}",
            });
        return study;
    }

    private static ResearchSubject Subject(ParticipantRecord participant, ParticipantProgress progress, string studyUrl)
    {
        var subject = new ResearchSubject
        {
            Id = participant.ParticipantId,
            Identifier = [new Identifier(ParticipantIdSystem, participant.ParticipantId)],
            Status = StatusOf(progress),
            Period = new Period
            {
                Start = Date(participant.AllocatedOn),
                End = (progress.WithdrewOn ?? progress.DiedOn ?? progress.StudyClosedOn) is { } end ? Date(end) : null,
            },
            Study = new ResourceReference(studyUrl),
            Individual = new ResourceReference { Identifier = new Identifier(ParticipantIdSystem, participant.ParticipantId) },
            AssignedArm = participant.Arm,
            ActualArm = ActualArmOf(participant, progress),
        };
        return subject;
    }

    /// <summary>
    /// R4 ResearchSubjectStatus from what is recorded, first match wins:
    /// withdrawn → <c>withdrawn</c>; died or study closed → <c>off-study</c> (no longer followed);
    /// excluded after allocation by E02 → <c>ineligible</c> (final pathology showed the participant was not eligible;
    /// still kept in the data and the ITT analysis); surgery done → <c>follow-up</c> (the intervention of both arms
    /// ends with surgery); allocated and not yet operated → <c>on-study-intervention</c> (neoadjuvant cycles, or
    /// awaiting surgery alone); timeline not readable → <c>on-study</c>, which claims no phase.
    /// </summary>
    public static ResearchSubject.ResearchSubjectStatus StatusOf(ParticipantProgress progress) => progress switch
    {
        { WithdrewOn: not null } => ResearchSubject.ResearchSubjectStatus.Withdrawn,
        { DiedOn: not null } or { StudyClosedOn: not null } => ResearchSubject.ResearchSubjectStatus.OffStudy,
        { ExcludedAfterAllocation: true } => ResearchSubject.ResearchSubjectStatus.Ineligible,
        { TimelineKnown: false } => ResearchSubject.ResearchSubjectStatus.OnStudy,
        { SurgeryDone: true } => ResearchSubject.ResearchSubjectStatus.FollowUp,
        _ => ResearchSubject.ResearchSubjectStatus.OnStudyIntervention,
    };

    /// <summary>
    /// The arm actually followed, once treatment shows it: a chemotherapy cycle given → the arm whose schedule has
    /// the cycles; surgery with no cycle before it → the arm without cycles. Before that it is not known and left out.
    /// </summary>
    public static string? ActualArmOf(ParticipantRecord participant, ParticipantProgress progress)
    {
        if (!progress.ChemotherapyGiven && !progress.SurgeryDone) return null;
        var protocol = ProtocolCatalog.TryGet(participant.ProtocolVersion, out var p) ? p! : ProtocolCatalog.Get();
        var withCycles = protocol.Schedule.Visits.Where(v => v.Kind == VisitKind.ChemoCycle).SelectMany(v => v.Arms).ToHashSet(StringComparer.Ordinal);
        var arms = protocol.Arms.Where(a => withCycles.Contains(a.Id) == progress.ChemotherapyGiven).Select(a => a.Id).ToList();
        return arms.Count == 1 ? arms[0] : null;
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A stable <c>urn:uuid</c> per resource (name-based, RFC 4122 version 5 layout), so exports diff cleanly.</summary>
    public static string FullUrl(string resourceType, string id)
    {
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes($"natars/{resourceType}/{id}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = Convert.ToHexStringLower(hash, 0, 16);
        return $"urn:uuid:{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }
}
