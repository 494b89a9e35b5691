using System.Text.Json.Serialization;

namespace RpsServerless.Core.Outcomes;

// The enumerations of the outcome request bodies (api.md). Their JSON names are the contract's words.

/// <summary>The result of one imaging disease assessment.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AssessmentResult>))]
public enum AssessmentResult
{
    [JsonStringEnumMemberName("no_evidence_of_disease")] NoEvidenceOfDisease,
    [JsonStringEnumMemberName("stable")] Stable,
    [JsonStringEnumMemberName("local_recurrence")] LocalRecurrence,
    [JsonStringEnumMemberName("distant_metastasis")] DistantMetastasis,
    /// <summary>Progressive disease per RECIST 1.1 of the tumour in place (before surgery).</summary>
    [JsonStringEnumMemberName("progression")] Progression,
}

/// <summary>How the imaging was done; optional.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ImagingModality>))]
public enum ImagingModality
{
    [JsonStringEnumMemberName("ct")] Ct,
    [JsonStringEnumMemberName("mri")] Mri,
    [JsonStringEnumMemberName("pet_ct")] PetCt,
}

/// <summary>Resection status recorded with the SURGERY visit.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Resection>))]
public enum Resection
{
    [JsonStringEnumMemberName("r0")] R0,
    [JsonStringEnumMemberName("r1")] R1,
    [JsonStringEnumMemberName("r2")] R2,
    /// <summary>Explored and found unresectable: no resection done.</summary>
    [JsonStringEnumMemberName("unresectable")] Unresectable,
}

/// <summary>ICH E2A seriousness criteria (SDTM AESDTH, AESLIFE, AESHOSP, AESDISAB, AESCONG, AESMIE).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SeriousnessCriterion>))]
public enum SeriousnessCriterion
{
    [JsonStringEnumMemberName("death")] Death,
    [JsonStringEnumMemberName("life_threatening")] LifeThreatening,
    [JsonStringEnumMemberName("hospitalisation")] Hospitalisation,
    [JsonStringEnumMemberName("disability")] Disability,
    [JsonStringEnumMemberName("congenital_anomaly")] CongenitalAnomaly,
    [JsonStringEnumMemberName("other_important_event")] OtherImportantEvent,
}

/// <summary>The investigator's causality assessment (SDTM AEREL).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Causality>))]
public enum Causality
{
    [JsonStringEnumMemberName("not_related")] NotRelated,
    [JsonStringEnumMemberName("unlikely")] Unlikely,
    [JsonStringEnumMemberName("possible")] Possible,
    [JsonStringEnumMemberName("probable")] Probable,
    [JsonStringEnumMemberName("definite")] Definite,
}

/// <summary>Action taken with the study treatment (SDTM AEACN, in the contract's words).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActionTaken>))]
public enum ActionTaken
{
    [JsonStringEnumMemberName("dose_not_changed")] DoseNotChanged,
    [JsonStringEnumMemberName("dose_reduced")] DoseReduced,
    [JsonStringEnumMemberName("dose_delayed")] DoseDelayed,
    [JsonStringEnumMemberName("drug_interrupted")] DrugInterrupted,
    [JsonStringEnumMemberName("drug_withdrawn")] DrugWithdrawn,
    [JsonStringEnumMemberName("not_applicable")] NotApplicable,
    [JsonStringEnumMemberName("unknown")] Unknown,
}

/// <summary>Outcome of the adverse event (SDTM AEOUT).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AdverseEventOutcome>))]
public enum AdverseEventOutcome
{
    [JsonStringEnumMemberName("recovered")] Recovered,
    [JsonStringEnumMemberName("recovering")] Recovering,
    [JsonStringEnumMemberName("not_recovered")] NotRecovered,
    [JsonStringEnumMemberName("recovered_with_sequelae")] RecoveredWithSequelae,
    [JsonStringEnumMemberName("fatal")] Fatal,
    [JsonStringEnumMemberName("unknown")] Unknown,
}

/// <summary>What one version of an adverse event is: the first report, new information, or a fix of wrong data.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AdverseEventChange>))]
public enum AdverseEventChange
{
    [JsonStringEnumMemberName("initial")] Initial,
    [JsonStringEnumMemberName("follow_up")] FollowUp,
    [JsonStringEnumMemberName("correction")] Correction,
}

/// <summary>The drugs of the neoadjuvant regimen (protocol.md: doxorubicin, ifosfamide, anlotinib).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StudyDrug>))]
public enum StudyDrug
{
    [JsonStringEnumMemberName("doxorubicin")] Doxorubicin,
    [JsonStringEnumMemberName("ifosfamide")] Ifosfamide,
    [JsonStringEnumMemberName("anlotinib")] Anlotinib,
}

/// <summary>The kinds of participant status events (api.md <c>POST …/status</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ParticipantStatusKind>))]
public enum ParticipantStatusKind
{
    [JsonStringEnumMemberName("alive")] Alive,
    [JsonStringEnumMemberName("died")] Died,
    [JsonStringEnumMemberName("withdrawn")] Withdrawn,
    [JsonStringEnumMemberName("lost_to_follow_up")] LostToFollowUp,
    [JsonStringEnumMemberName("allocated_in_error")] AllocatedInError,
}

[JsonConverter(typeof(JsonStringEnumConverter<DeathCause>))]
public enum DeathCause
{
    [JsonStringEnumMemberName("sarcoma")] Sarcoma,
    [JsonStringEnumMemberName("treatment_toxicity")] TreatmentToxicity,
    [JsonStringEnumMemberName("surgical_complication")] SurgicalComplication,
    [JsonStringEnumMemberName("other")] Other,
    [JsonStringEnumMemberName("unknown")] Unknown,
}

/// <summary>Why a participant left the study (CONSORT "discontinued intervention / withdrew").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WithdrawalReason>))]
public enum WithdrawalReason
{
    [JsonStringEnumMemberName("participant_decision")] ParticipantDecision,
    [JsonStringEnumMemberName("consent_withdrawn")] ConsentWithdrawn,
    [JsonStringEnumMemberName("investigator_decision")] InvestigatorDecision,
    [JsonStringEnumMemberName("adverse_event")] AdverseEvent,
    [JsonStringEnumMemberName("protocol_deviation")] ProtocolDeviation,
    [JsonStringEnumMemberName("other")] Other,
}

/// <summary>Why an allocation should not have happened (protocol.md §4: corrected by a record, never deleted).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AllocationErrorReason>))]
public enum AllocationErrorReason
{
    [JsonStringEnumMemberName("ineligible_at_allocation")] IneligibleAtAllocation,
    [JsonStringEnumMemberName("duplicate_registration")] DuplicateRegistration,
    [JsonStringEnumMemberName("consent_invalid")] ConsentInvalid,
    [JsonStringEnumMemberName("wrong_participant")] WrongParticipant,
    [JsonStringEnumMemberName("other")] Other,
}

/// <summary>Why neoadjuvant treatment stopped before all planned cycles were given.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TreatmentStopReason>))]
public enum TreatmentStopReason
{
    [JsonStringEnumMemberName("toxicity")] Toxicity,
    [JsonStringEnumMemberName("progression")] Progression,
    [JsonStringEnumMemberName("participant_decision")] ParticipantDecision,
    [JsonStringEnumMemberName("investigator_decision")] InvestigatorDecision,
    [JsonStringEnumMemberName("death")] Death,
    [JsonStringEnumMemberName("other")] Other,
}
