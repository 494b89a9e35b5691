using System.Globalization;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <summary>
/// Status records in the participant's partition of table <c>Visits</c> (PartitionKey = participant id), RowKey
/// <c>status|000001</c> by record number, beside the visit records and the schedule they shape, so that one partition
/// query reads everything a schedule is built from (<see cref="TableParticipantHistory"/>). Each row keeps the report in
/// its canonical JSON body (the shape of <c>POST …/status</c>), read back with the same parser that checked it, so
/// storage and API can never disagree about what a status means.
/// </summary>
public sealed class TableParticipantStatusStore(TableServiceClient tables, StorageProvisioner provisioner) : IParticipantStatusStore
{
    internal const string StatusPrefix = "status|";

    private TableClient Table => tables.GetTableClient(TableNames.Visits);

    internal static bool IsStatusRow(TableEntity row) => row.RowKey.StartsWith(StatusPrefix, StringComparison.Ordinal);

    internal static ParticipantStatusRecord ReadRow(TableEntity row)
    {
        var parsed = OutcomeBodyParser.Status(row.GetString("Body") ?? "");
        if (!parsed.IsValid)
            throw new InvalidDataException($"Status record {row.PartitionKey}/{row.RowKey} no longer parses.");
        return new ParticipantStatusRecord(
            int.Parse(row.RowKey[StatusPrefix.Length..], CultureInfo.InvariantCulture), parsed.Value.Event,
            row.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue, parsed.Value.CorrectsRecord, parsed.Value.CorrectionReason);
    }

    public async Task<bool> TryAppendAsync(string participantId, ParticipantStatusRecord record, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(TableKeys.Escape(participantId), StatusPrefix + record.Sequence.ToString("D6", CultureInfo.InvariantCulture))
        {
            ["Status"] = ContractName.Of(record.Event.Kind),
            ["Date"] = record.Event.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["CorrectsRecord"] = record.CorrectsRecord,
            ["RecordedAt"] = record.RecordedAt,
            ["Body"] = Body(record),
        };
        try
        {
            await Table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The report as the API body that says exactly this.</summary>
    internal static string Body(ParticipantStatusRecord record)
    {
        static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var body = new JsonObject { ["status"] = ContractName.Of(record.Event.Kind) };
        switch (record.Event)
        {
            case AliveOn alive: body["date"] = Iso(alive.On); break;
            case Died died: body["date"] = Iso(died.On); body["cause"] = ContractName.Of(died.Cause); break;
            case Withdrawn withdrawn: body["date"] = Iso(withdrawn.On); body["reasonCode"] = ContractName.Of(withdrawn.Reason); break;
            case LostToFollowUp lost: body["lastKnownAliveOn"] = Iso(lost.LastKnownAliveOn); break;
            case AllocatedInError error: body["reasonCode"] = ContractName.Of(error.Reason); break;
        }
        if (record.CorrectsRecord is { } corrects) body["correctsRecord"] = corrects;
        if (record.CorrectionReason is { } reason) body["correctionReason"] = reason;
        return body.ToJsonString();
    }
}
