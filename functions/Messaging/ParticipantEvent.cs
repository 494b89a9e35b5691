namespace RpsServerless.Functions.Messaging;

/// <summary>
/// The message on queue <c>participant-events</c>: participant <see cref="ParticipantId"/> changed (allocated, visit recorded, status recorded): rebuild what
/// derives from it (the schedule). It carries no state, only the id and why — the consumer reads the tables, so a
/// re-delivered or re-sent message changes nothing. JSON:
/// <c>{"participantId":"NATARS-PKUIH-0007","reason":"allocated","screeningId":"scr_…"}</c>.
/// </summary>
/// <param name="Reason">One of <see cref="ParticipantEventReasons"/>.</param>
/// <param name="ScreeningId">On <c>allocated</c> events: the allocated screening, whose allocation the handler finishes
/// (audit record, notification) if it is still pending. Null on other events.</param>
public sealed record ParticipantEvent(string ParticipantId, string Reason, string? ScreeningId = null);

public static class ParticipantEventReasons
{
    /// <summary>The participant was just allocated: the schedule starts from the allocation date.</summary>
    public const string Allocated = "allocated";

    /// <summary>A visit was recorded done or missed: later visits re-anchor on its actual date.</summary>
    public const string VisitRecorded = "visit_recorded";

    /// <summary>A status event (death, withdrawal, …) was recorded: later visits may be cancelled.</summary>
    public const string StatusRecorded = "status_recorded";
}
