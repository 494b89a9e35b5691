using Azure.Data.Tables;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Functions.Storage.Outcomes;

/// <summary>One recorded imaging assessment; a correction is a new record naming the one it replaces, with a reason.</summary>
public sealed record AssessmentRecord(
    string AssessmentId,
    string ParticipantId,
    string SiteId,
    DiseaseAssessment Assessment,
    DateTimeOffset RecordedAt,
    string? CorrectsAssessmentId = null,
    string? CorrectionReason = null);

public interface IAssessmentStore
{
    /// <summary>Inserts the record; never replaces one.</summary>
    Task AddAsync(AssessmentRecord record, CancellationToken cancellationToken);

    /// <summary>Every record of the participant in recording order, corrected ones included.</summary>
    Task<IReadOnlyList<AssessmentRecord>> ListAsync(string participantId, CancellationToken cancellationToken);
}

/// <summary>Table <c>DiseaseAssessments</c>: PartitionKey = participant id, RowKey = assessment id (sorts by recording time); insert-only.</summary>
public sealed class TableAssessmentStore(TableServiceClient tables, StorageProvisioner provisioner) : IAssessmentStore
{
    private TableClient Table => tables.GetTableClient(TableNames.DiseaseAssessments);

    public async Task AddAsync(AssessmentRecord record, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var assessment = record.Assessment;
        await Table.AddEntityAsync(new TableEntity(TableKeys.Escape(record.ParticipantId), TableKeys.Escape(record.AssessmentId))
        {
            ["SiteId"] = record.SiteId,
            ["ImagingDate"] = OutcomeColumns.Date(assessment.ImagingDate),
            ["Result"] = ContractName.Of(assessment.Result),
            ["Modality"] = assessment.Modality is { } m ? ContractName.Of(m) : null,
            ["Comment"] = assessment.Comment,
            ["RecordedAt"] = record.RecordedAt,
            ["CorrectsAssessmentId"] = record.CorrectsAssessmentId,
            ["CorrectionReason"] = record.CorrectionReason,
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AssessmentRecord>> ListAsync(string participantId, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<AssessmentRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(participantId)}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            ContractName.TryParse<AssessmentResult>(e.GetString("Result") ?? "", out var result);
            ImagingModality? modality = ContractName.TryParse<ImagingModality>(e.GetString("Modality") ?? "", out var m) ? m : null;
            records.Add(new AssessmentRecord(e.RowKey, participantId, e.GetString("SiteId") ?? "",
                new DiseaseAssessment(OutcomeColumns.ReadDate(e.GetString("ImagingDate")), result, modality, e.GetString("Comment")),
                e.GetDateTimeOffset("RecordedAt") ?? default, e.GetString("CorrectsAssessmentId"), e.GetString("CorrectionReason")));
        }
        return records;
    }
}

/// <summary>Calendar dates are stored as <c>yyyy-MM-dd</c> text: a table DateTime would carry a time and a zone they do not have.</summary>
internal static class OutcomeColumns
{
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static DateOnly ReadDate(string? text) =>
        DateOnly.ParseExact(text ?? "", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
