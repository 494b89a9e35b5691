using System.Globalization;
using Azure.Data.Tables;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;

namespace RpsServerless.Functions.Storage.Outcomes;

/// <summary>One final pathology report as recorded, numbered from 1; report 2 onwards corrects the one before, with a reason.</summary>
public sealed record PathologyReportRecord(
    int Sequence,
    string ParticipantId,
    string SiteId,
    FinalPathology Report,
    CriterionStatus E02Status,
    string E02Reason,
    DateTimeOffset RecordedAt,
    string? CorrectionReason = null);

/// <summary>
/// The participant's exclusion after allocation (protocol.md §2, E02) as it changed: excluded by a report, or the
/// exclusion lifted by a corrected report. The participant row is never edited: this record is the mark, and the
/// latest one is in force. The participant stays in the data, the CONSORT flow and the ITT analysis.
/// </summary>
public sealed record ExclusionRecord(
    int Sequence,
    string ParticipantId,
    string CriterionId,
    bool Excluded,
    string Reason,
    DateOnly EffectiveOn,
    int PathologyReport,
    DateTimeOffset RecordedAt);

public sealed record PathologyHistory(IReadOnlyList<PathologyReportRecord> Reports, IReadOnlyList<ExclusionRecord> Exclusions)
{
    public static readonly PathologyHistory Empty = new([], []);

    public PathologyReportRecord? Current => Reports.Count == 0 ? null : Reports[^1];

    /// <summary>The exclusion in force: the latest record, if it excludes.</summary>
    public ExclusionRecord? Exclusion => Exclusions.Count > 0 && Exclusions[^1].Excluded ? Exclusions[^1] : null;
}

/// <summary>Whether a participant is excluded after allocation, for the reports and exports.</summary>
public interface IExclusionReader
{
    Task<ExclusionRecord?> ExclusionInForceAsync(string participantId, CancellationToken cancellationToken);
}

public interface IFinalPathologyStore : IExclusionReader
{
    Task<PathologyHistory> LoadAsync(string participantId, CancellationToken cancellationToken);

    /// <summary>Writes the report and the exclusion change it causes in one transaction.</summary>
    /// <exception cref="ConcurrentChangeException">A report with that number exists already.</exception>
    Task AppendAsync(PathologyReportRecord report, ExclusionRecord? exclusion, CancellationToken cancellationToken);
}

/// <summary>
/// Table <c>FinalPathology</c>: PartitionKey = participant id; RowKeys <c>report~0001</c>… and <c>exclusion~0001</c>…,
/// insert-only, a report and its exclusion change in one entity-group transaction.
/// </summary>
public sealed class TableFinalPathologyStore(TableServiceClient tables, StorageProvisioner provisioner) : IFinalPathologyStore
{
    private TableClient Table => tables.GetTableClient(TableNames.FinalPathology);

    public async Task<PathologyHistory> LoadAsync(string participantId, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var reports = new List<PathologyReportRecord>();
        var exclusions = new List<ExclusionRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(participantId)}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var sequence = e.GetInt32("Sequence") ?? 0;
            var recordedAt = e.GetDateTimeOffset("RecordedAt") ?? default;
            if (e.RowKey.StartsWith("report~", StringComparison.Ordinal))
            {
                ContractName.TryParse<Histology>(e.GetString("Histology") ?? "", out var histology);
                ContractName.TryParse<CriterionStatus>(e.GetString("E02Status") ?? "", out var status);
                reports.Add(new PathologyReportRecord(sequence, participantId, e.GetString("SiteId") ?? "",
                    new FinalPathology(OutcomeColumns.ReadDate(e.GetString("ReportDate")), histology, e.GetInt32("FnclccGrade")),
                    status, e.GetString("E02Reason") ?? "", recordedAt, e.GetString("CorrectionReason")));
            }
            else if (e.RowKey.StartsWith("exclusion~", StringComparison.Ordinal))
            {
                exclusions.Add(new ExclusionRecord(sequence, participantId, e.GetString("CriterionId") ?? "", e.GetBoolean("Excluded") ?? false,
                    e.GetString("Reason") ?? "", OutcomeColumns.ReadDate(e.GetString("EffectiveOn")), e.GetInt32("PathologyReport") ?? 0, recordedAt));
            }
        }
        return new PathologyHistory(reports.OrderBy(r => r.Sequence).ToList(), exclusions.OrderBy(x => x.Sequence).ToList());
    }

    public async Task<ExclusionRecord?> ExclusionInForceAsync(string participantId, CancellationToken cancellationToken) =>
        (await LoadAsync(participantId, cancellationToken).ConfigureAwait(false)).Exclusion;

    public async Task AppendAsync(PathologyReportRecord report, ExclusionRecord? exclusion, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var pk = TableKeys.Escape(report.ParticipantId);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new TableEntity(pk, string.Create(CultureInfo.InvariantCulture, $"report~{report.Sequence:0000}"))
            {
                ["Sequence"] = report.Sequence,
                ["SiteId"] = report.SiteId,
                ["ReportDate"] = OutcomeColumns.Date(report.Report.ReportDate),
                ["Histology"] = ContractName.Of(report.Report.Histology),
                ["FnclccGrade"] = report.Report.FnclccGrade,
                ["E02Status"] = ContractName.Of(report.E02Status),
                ["E02Reason"] = report.E02Reason,
                ["RecordedAt"] = report.RecordedAt,
                ["CorrectionReason"] = report.CorrectionReason,
            }),
        };
        if (exclusion is not null)
        {
            actions.Add(new(TableTransactionActionType.Add, new TableEntity(pk, string.Create(CultureInfo.InvariantCulture, $"exclusion~{exclusion.Sequence:0000}"))
            {
                ["Sequence"] = exclusion.Sequence,
                ["CriterionId"] = exclusion.CriterionId,
                ["Excluded"] = exclusion.Excluded,
                ["Reason"] = exclusion.Reason,
                ["EffectiveOn"] = OutcomeColumns.Date(exclusion.EffectiveOn),
                ["PathologyReport"] = exclusion.PathologyReport,
                ["RecordedAt"] = exclusion.RecordedAt,
            }));
        }
        try
        {
            await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException exception) when (exception.Status == 409)
        {
            throw new ConcurrentChangeException("Another final pathology report was recorded at the same time.");
        }
    }
}
