using RpsServerless.Core.Outcomes;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <summary>A participant's status records (death, withdrawal, …), numbered from 1. Append-only. Read with the
/// schedule's rows by <see cref="IParticipantHistoryReader"/>.</summary>
public interface IParticipantStatusStore
{

    /// <summary>Adds record number <see cref="ParticipantStatusRecord.Sequence"/>; false when that number is taken.</summary>
    Task<bool> TryAppendAsync(string participantId, ParticipantStatusRecord record, CancellationToken cancellationToken);
}
