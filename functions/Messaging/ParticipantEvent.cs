namespace RpsServerless.Functions.Messaging;

/// <summary>
/// A participant changed (allocated, visit recorded, status recorded): the message on queue
/// <c>participant-events</c> that makes the schedule be rebuilt from the stored state.
/// </summary>
public sealed record ParticipantEvent(string ParticipantId, string Reason);
