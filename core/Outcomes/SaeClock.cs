using System.Text.Json.Serialization;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Outcomes;

[JsonConverter(typeof(JsonStringEnumConverter<SaeClockState>))]
public enum SaeClockState
{
    /// <summary>Not reported yet, deadline not reached.</summary>
    [JsonStringEnumMemberName("open")] Open,
    /// <summary>Not reported, deadline reached: escalate.</summary>
    [JsonStringEnumMemberName("overdue")] Overdue,
    [JsonStringEnumMemberName("reported_on_time")] ReportedOnTime,
    [JsonStringEnumMemberName("reported_late")] ReportedLate,
}

/// <summary>
/// The investigator-to-sponsor report clock of one serious adverse event (protocol.md §6: 24 hours from awareness,
/// the protocol's <see cref="EndpointSettings.SaeReportHours"/>). Pure: the instant to judge at is an argument.
/// </summary>
/// <remarks>
/// The deadline belongs to the reporting window: a report sent exactly at awareness + 24 h is on time ("within 24
/// hours"). An unsent report is overdue from the deadline itself, the moment the time allowed has run out, and the
/// escalation notification is due then; a report sent at that very instant is still on time, since a state is
/// judged with the report when it exists.
/// </remarks>
public sealed record SaeClock(DateTimeOffset AwareAt, DateTimeOffset Deadline, DateTimeOffset? ReportSentAt)
{
    /// <summary>The clock of an event aware at <paramref name="awareAt"/>, reported at <paramref name="reportSentAt"/> if at all.</summary>
    public static SaeClock Start(DateTimeOffset awareAt, DateTimeOffset? reportSentAt, ProtocolDefinition protocol) =>
        new(awareAt, awareAt.AddHours(protocol.Endpoints.SaeReportHours), reportSentAt);

    /// <summary>The clock of an adverse event, or null when it is not serious (no clock runs).</summary>
    public static SaeClock? Of(AdverseEventHistory adverseEvent, ProtocolDefinition protocol) =>
        adverseEvent.SeriousAwareAt is { } awareAt ? Start(awareAt, adverseEvent.Current.SponsorReportSentAt, protocol) : null;

    public SaeClockState StateAt(DateTimeOffset at)
    {
        if (ReportSentAt is { } sent && sent <= at)
            return sent <= Deadline ? SaeClockState.ReportedOnTime : SaeClockState.ReportedLate;
        return at < Deadline ? SaeClockState.Open : SaeClockState.Overdue;
    }

    /// <summary>
    /// When the Function App should send the <c>sae_report_due</c> escalation: the deadline, unless the report was
    /// sent on time. A report sent late still leaves this at the deadline (an escalation was due then), but
    /// <see cref="IsEscalationDueAt"/> is false once the report is sent.
    /// </summary>
    public DateTimeOffset? EscalationDueAt => ReportSentAt is { } sent && sent <= Deadline ? null : Deadline;

    /// <summary>True when, at <paramref name="at"/>, the deadline has been reached and no report is marked sent.</summary>
    public bool IsEscalationDueAt(DateTimeOffset at) => StateAt(at) == SaeClockState.Overdue;

    /// <summary>Time left before the deadline at <paramref name="at"/> (negative once overdue).</summary>
    public TimeSpan RemainingAt(DateTimeOffset at) => Deadline - at;
}
