using System.Globalization;

namespace RpsServerless.Core.Outcomes;

/// <summary>CTCAE v5.0 grades (natars-domain.md §6a): 1 mild … 4 life-threatening, 5 death related to the AE.</summary>
public static class CtcaeGrade
{
    public const int Mild = 1;
    public const int Fatal = 5;
}

/// <summary>
/// The investigator's causality assessment for each treatment the participant may have been exposed to. A null
/// member means "not applicable": the participant never received that treatment (the surgery-only arm gets no drugs;
/// nobody has had surgery before the operation).
/// </summary>
public sealed record Relatedness(Causality? Doxorubicin, Causality? Ifosfamide, Causality? Anlotinib, Causality? Surgery);

/// <summary>
/// Everything one version of an adverse event says, in CDISC terms: AETERM, AETOXGR, AESTDTC, AEENDTC, AESER and the
/// seriousness flags, AEREL per treatment, AEACN, AEOUT. A version is a full snapshot, so the current state of an
/// event is its last version and nothing has to be merged.
/// </summary>
/// <param name="AwareAt">When the site became aware of what this version reports (UTC). For a serious event it starts the sponsor-report clock.</param>
/// <param name="SponsorReportSentAt">When the report to the sponsor was sent (UTC); serious events only.</param>
public sealed record AdverseEventFacts(
    string Term,
    int Grade,
    DateOnly OnsetDate,
    DateOnly? ResolutionDate,
    bool Serious,
    IReadOnlyList<SeriousnessCriterion> SeriousnessCriteria,
    Relatedness Relatedness,
    ActionTaken? ActionTaken,
    AdverseEventOutcome Outcome,
    DateTimeOffset AwareAt,
    DateTimeOffset? SponsorReportSentAt)
{
    public bool Equals(AdverseEventFacts? other) =>
        other is not null && Term == other.Term && Grade == other.Grade && OnsetDate == other.OnsetDate
        && ResolutionDate == other.ResolutionDate && Serious == other.Serious
        && SeriousnessCriteria.SequenceEqual(other.SeriousnessCriteria) && Relatedness == other.Relatedness
        && ActionTaken == other.ActionTaken && Outcome == other.Outcome && AwareAt == other.AwareAt
        && SponsorReportSentAt == other.SponsorReportSentAt;

    public override int GetHashCode() => HashCode.Combine(Term, Grade, OnsetDate, Serious, Outcome, AwareAt);
}

/// <summary>
/// The body of <c>POST …/adverse-events</c>: a first report (no <see cref="AdverseEventId"/>), or a follow-up or
/// correction of an event already recorded. A correction carries the reason the earlier data were wrong.
/// </summary>
public sealed record AdverseEventReport(string? AdverseEventId, AdverseEventChange Change, string? ChangeReason, AdverseEventFacts Facts);

/// <summary>One version of an adverse event, numbered from 1, as stored (append-only).</summary>
public sealed record AdverseEventVersion(int Version, AdverseEventChange Change, string? ChangeReason, AdverseEventFacts Facts, DateTimeOffset RecordedAt);

/// <summary>
/// An adverse event as the ordered list of its versions: the first report, then every follow-up and correction.
/// Nothing is overwritten, so the history an auditor reads is the history the site entered (ICH E6(R3) §4.2.2,
/// 21 CFR 11.10(e)). Immutable: <see cref="Append"/> returns a new history.
/// </summary>
public sealed class AdverseEventHistory
{
    private AdverseEventHistory(string adverseEventId, string participantId, IReadOnlyList<AdverseEventVersion> versions)
    {
        AdverseEventId = adverseEventId;
        ParticipantId = participantId;
        Versions = versions;
    }

    public string AdverseEventId { get; }

    public string ParticipantId { get; }

    /// <summary>Every version, oldest first; never empty.</summary>
    public IReadOnlyList<AdverseEventVersion> Versions { get; }

    public AdverseEventFacts Current => Versions[^1].Facts;

    /// <summary>
    /// The worst CTCAE grade the event reached: the highest grade of the versions since the last correction. A
    /// follow-up reporting improvement does not lower it (an AE is tabulated at its worst grade), while a correction
    /// says the earlier grades were wrong and restarts the count.
    /// </summary>
    public int WorstGrade
    {
        get
        {
            var worst = 0;
            for (var i = Versions.Count - 1; i >= 0; i--)
            {
                worst = Math.Max(worst, Versions[i].Facts.Grade);
                if (Versions[i].Change != AdverseEventChange.FollowUp) break;
            }
            return worst;
        }
    }

    public bool IsSerious => Current.Serious;

    /// <summary>
    /// When the site became aware the event was serious: the awareness of the earliest version of the trailing run of
    /// serious versions. An event that became serious in a follow-up starts its clock then; one corrected to
    /// non-serious has no clock; null when the event is not serious now.
    /// </summary>
    public DateTimeOffset? SeriousAwareAt
    {
        get
        {
            if (!IsSerious) return null;
            var first = Versions.Count - 1;
            while (first > 0 && Versions[first - 1].Facts.Serious) first--;
            return Versions[first].Facts.AwareAt;
        }
    }

    /// <summary>The first report of a new event.</summary>
    public static AdverseEventHistory Start(string adverseEventId, string participantId, AdverseEventFacts facts, DateTimeOffset recordedAt) =>
        new(adverseEventId, participantId, [new AdverseEventVersion(1, AdverseEventChange.Initial, null, facts, recordedAt)]);

    /// <summary>Rebuilds a history from storage, in version order.</summary>
    /// <exception cref="ArgumentException">The versions are empty, not numbered 1, 2, 3 …, or do not start with the initial report.</exception>
    public static AdverseEventHistory Restore(string adverseEventId, string participantId, IReadOnlyList<AdverseEventVersion> versions)
    {
        if (versions.Count == 0 || versions[0].Change != AdverseEventChange.Initial)
            throw new ArgumentException("An adverse event history starts with its initial report.", nameof(versions));
        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i].Version != i + 1) throw new ArgumentException("Versions are numbered 1, 2, 3 … in order.", nameof(versions));
            if (i > 0 && versions[i].Change == AdverseEventChange.Initial) throw new ArgumentException("Only version 1 is the initial report.", nameof(versions));
        }
        return new AdverseEventHistory(adverseEventId, participantId, versions.ToArray());
    }

    /// <summary>
    /// Adds a follow-up or a correction as the next version, or says why it cannot be added. The earlier versions are
    /// kept unchanged.
    /// </summary>
    public AdverseEventAppendResult Append(AdverseEventReport report, DateTimeOffset recordedAt)
    {
        var errors = new List<FieldError>();
        var last = Versions[^1];
        if (report.AdverseEventId is { } id && id != AdverseEventId)
            errors.Add(new FieldError("adverseEventId", $"This report is for adverse event '{id}', not '{AdverseEventId}'."));
        switch (report.Change)
        {
            case AdverseEventChange.Initial:
                errors.Add(new FieldError("change", $"Adverse event '{AdverseEventId}' is already reported: send a follow_up or a correction."));
                break;
            case AdverseEventChange.Correction when string.IsNullOrWhiteSpace(report.ChangeReason):
                errors.Add(new FieldError("changeReason", "Required for a correction: say why the earlier data were wrong."));
                break;
            case AdverseEventChange.FollowUp:
                // New information cannot change what the event is or when it began; that would rewrite the first
                // report without saying so. Such a change is a correction, with its reason.
                if (!string.Equals(report.Facts.Term, Current.Term, StringComparison.Ordinal))
                    errors.Add(new FieldError("term", $"A follow-up cannot change the term '{Current.Term}': send a correction with a reason."));
                if (report.Facts.OnsetDate != Current.OnsetDate)
                    errors.Add(new FieldError("onsetDate", $"A follow-up cannot change the onset date {Iso(Current.OnsetDate)}: send a correction with a reason."));
                if (report.Facts.AwareAt < Current.AwareAt)
                    errors.Add(new FieldError("awareAt", $"A follow-up is news learnt after the previous version (aware {Current.AwareAt:O}); correct the earlier version instead."));
                break;
        }
        if (recordedAt < last.RecordedAt)
            errors.Add(new FieldError("$", $"Recorded at {recordedAt:O}, before version {last.Version} ({last.RecordedAt:O}): versions are recorded in order."));
        if (errors.Count > 0) return new AdverseEventAppendResult(null, errors);

        var version = new AdverseEventVersion(last.Version + 1, report.Change, report.ChangeReason, report.Facts, recordedAt);
        return new AdverseEventAppendResult(new AdverseEventHistory(AdverseEventId, ParticipantId, [.. Versions, version]), []);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The history with the new version, or the reasons it was refused (HTTP 409 at the edge).</summary>
public sealed record AdverseEventAppendResult(AdverseEventHistory? History, IReadOnlyList<FieldError> Conflicts);
