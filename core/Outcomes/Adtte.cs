using System.Globalization;
using System.Text;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Outcomes;

/// <summary>
/// One row of the ADaM ADTTE export (<c>GET /api/exports/adtte.csv</c>). ARM is the allocated arm id
/// (<c>neoadjuvant</c>, <c>surgery_only</c>): stable codes that analysis code can compare, where labels may be reworded
/// by an amendment.
/// </summary>
public sealed record AdtteRow(
    string Usubjid,
    string Arm,
    string Paramcd,
    int Aval,
    int Cnsr,
    DateOnly StartDate,
    DateOnly AnalysisDate,
    string? EventDescription,
    string? CensoringDescription);

/// <summary>The ADTTE rows and their CSV text, exactly what <c>rps survival</c> reads.</summary>
public static class Adtte
{
    public static readonly string[] Columns = ["USUBJID", "ARM", "PARAMCD", "AVAL", "CNSR", "STARTDT", "ADT", "EVNTDESC", "CNSDTDSC"];

    /// <summary>Two rows per participant, PFS then OS, in participant id order (ordinal), so an export is reproducible.</summary>
    public static IReadOnlyList<AdtteRow> Rows(IEnumerable<ParticipantEndpoints> participants) =>
        participants.OrderBy(p => p.ParticipantId, StringComparer.Ordinal)
            .SelectMany(p => new[] { Row(p, p.Pfs), Row(p, p.Os) })
            .ToArray();

    private static AdtteRow Row(ParticipantEndpoints participant, TimeToEvent value) =>
        new(participant.ParticipantId, participant.Arm, ContractName.Of(value.Parameter), value.Days, value.Censor,
            value.StartDate, value.AnalysisDate, value.EventDescription, value.CensoringDescription);

    /// <summary>The CSV text: a header row, then one record per row, CRLF line ends (RFC 4180), dates YYYY-MM-DD.</summary>
    public static string ToCsv(IEnumerable<AdtteRow> rows)
    {
        var text = new StringBuilder();
        Write(rows, text);
        return text.ToString();
    }

    public static void Write(IEnumerable<AdtteRow> rows, StringBuilder text)
    {
        text.AppendJoin(',', Columns).Append("\r\n");
        foreach (var row in rows)
        {
            Field(text, row.Usubjid).Append(',');
            Field(text, row.Arm).Append(',');
            Field(text, row.Paramcd).Append(',');
            text.Append(row.Aval.ToString(CultureInfo.InvariantCulture)).Append(',');
            text.Append(row.Cnsr.ToString(CultureInfo.InvariantCulture)).Append(',');
            text.Append(Iso(row.StartDate)).Append(',');
            text.Append(Iso(row.AnalysisDate)).Append(',');
            Field(text, row.EventDescription).Append(',');
            Field(text, row.CensoringDescription).Append("\r\n");
        }
    }

    /// <summary>
    /// RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled; others are written as
    /// they are. A missing description is an empty field.
    /// </summary>
    private static StringBuilder Field(StringBuilder text, string? value)
    {
        if (string.IsNullOrEmpty(value)) return text;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0) return text.Append(value);
        return text.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
