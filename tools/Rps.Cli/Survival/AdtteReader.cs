using System.Globalization;
using System.Text;
using RpsServerless.Core.Statistics;

namespace RpsServerless.Cli.Survival;

/// <summary>The subjects of one parameter (PFS, OS…) of an ADaM ADTTE file, by arm.</summary>
internal sealed record AdtteParameter(string Param, SurvivalSample Sample);

/// <summary>Why the file cannot be analysed, at which line (1 is the header).</summary>
internal sealed record AdtteProblem(int Line, string Reason);

/// <summary>
/// Reads the time-to-event rows of an ADTTE CSV (tools.md, <c>rps survival</c>): a header naming at least USUBJID, ARM,
/// PARAMCD, AVAL and CNSR in any order, then one row per subject and parameter (a second one for a subject is an error).
/// The first bad row stops the reading: an analysis over the rows that happened to be valid would print numbers nobody
/// can check.
/// </summary>
internal static class AdtteReader
{
    private static readonly string[] Required = ["USUBJID", "ARM", "PARAMCD", "AVAL", "CNSR"];

    public static (AdtteParameter? Parameter, AdtteProblem? Problem) Read(Stream stream, string? param)
    {
        var csv = new CsvRecordReader(stream);
        if (!csv.Read(out var malformed))
            return (null, new AdtteProblem(Math.Max(csv.Line, 1), malformed ?? "The file is empty; expected a header row with " + string.Join(",", Required) + "."));

        var header = new string[csv.FieldCount];
        for (var i = 0; i < header.Length; i++) header[i] = Encoding.UTF8.GetString(csv[i]);
        var column = new int[Required.Length];
        for (var r = 0; r < Required.Length; r++)
        {
            var matches = header.Select((name, index) => (name, index)).Where(h => h.name == Required[r]).ToArray();
            if (matches.Length > 1) return (null, new AdtteProblem(csv.Line, $"The header names {Required[r]} more than once."));
            column[r] = matches.Length == 1 ? matches[0].index : -1;
        }
        var missing = Required.Where((_, r) => column[r] < 0).ToArray();
        if (missing.Length > 0)
            return (null, new AdtteProblem(csv.Line, $"The header lacks {string.Join(", ", missing)}; it needs {string.Join(",", Required)} (any order)."));
        int subjectColumn = column[0], armColumn = column[1], paramColumn = column[2], timeColumn = column[3], censorColumn = column[4];

        var rows = new RowReader(param);
        while (csv.Read(out malformed))
        {
            if (csv.FieldCount != header.Length)
                return (null, new AdtteProblem(csv.Line,
                    $"{csv.FieldCount} field{(csv.FieldCount == 1 ? "" : "s")} where the header has {header.Length}; a column is missing or a field holds an unquoted comma."));
            var reason = rows.Add(csv[subjectColumn], csv[armColumn], csv[paramColumn], csv[timeColumn], csv[censorColumn], csv.Line);
            if (reason is not null) return (null, new AdtteProblem(csv.Line, reason));
        }
        if (malformed is not null) return (null, new AdtteProblem(csv.Line, "The row is not valid CSV: " + malformed + "."));
        return rows.Complete(csv.Line + 1);
    }

    /// <summary>Checks one row at a time and keeps those of the analysed parameter.</summary>
    private sealed class RowReader(string? requestedParam)
    {
        private readonly SurvivalSample _sample = new(1024);
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _arms =
            new Dictionary<string, int>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        /// <summary>Each analysed subject and the line of its row: ADTTE has one row per subject and parameter.</summary>
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _subjects =
            new Dictionary<string, int>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _skippedParams =
            new HashSet<string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        private byte[]? _param = requestedParam is null ? null : Encoding.UTF8.GetBytes(requestedParam);
        private int _paramLine;
        private char[] _chars = new char[64];

        public string? Add(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> arm, ReadOnlySpan<byte> param,
            ReadOnlySpan<byte> time, ReadOnlySpan<byte> censor, int line)
        {
            if (param.IsEmpty) return "PARAMCD is empty.";
            if (_param is null)
            {
                // Without --param the whole file is one parameter; the first row says which.
                _param = param.ToArray();
                _paramLine = line;
            }
            else if (!param.SequenceEqual(_param))
            {
                if (requestedParam is null)
                    return $"PARAMCD {Quote(param)} differs from {Quote(_param)} on line {_paramLine}; the file holds more than one parameter: choose one with --param.";
                _skippedParams.Add(Chars(param));
                return null;
            }

            if (subject.IsEmpty) return "USUBJID is empty.";
            if (arm.IsEmpty) return "ARM is empty.";
            if (!double.TryParse(time, NumberStyles.Float, CultureInfo.InvariantCulture, out var days) || !double.IsFinite(days))
                return time.IsEmpty ? "AVAL is empty; every row needs its time in days." : $"AVAL {Quote(time)} is not a number.";
            if (days < 0) return $"AVAL {Quote(time)} is negative; times are days from allocation.";
            var trimmed = censor.Trim(" \t"u8);
            if (trimmed.Length != 1 || (trimmed[0] != (byte)'0' && trimmed[0] != (byte)'1'))
                return $"CNSR {Quote(censor)} is neither 0 (event) nor 1 (censored).";

            // A second row for a subject would count the subject twice (R's survfit does not notice): stop instead.
            var subjectId = Chars(subject);
            if (_subjects.TryGetValue(subjectId, out var firstLine))
                return $"USUBJID {Quote(subject)} has a second {Quote(_param)} row (the first is on line {firstLine}); ADTTE holds one row per subject and parameter.";
            _subjects.Dictionary.Add(subjectId.ToString(), line);

            var armName = Chars(arm);
            if (!_arms.TryGetValue(armName, out var group))
            {
                var name = armName.ToString();
                group = _sample.Group(name);
                _arms.Dictionary.Add(name, group);
            }
            // + 0.0 turns a "-0" into 0, so it prints as 0.
            _sample.Add(group, days + 0.0, isEvent: trimmed[0] == (byte)'0');
            return null;
        }

        public (AdtteParameter?, AdtteProblem?) Complete(int lineAfterLast)
        {
            if (_sample.Count > 0) return (new AdtteParameter(Encoding.UTF8.GetString(_param!), _sample), null);
            var others = _skippedParams.Set.Order(StringComparer.Ordinal).ToArray();
            return (null, new AdtteProblem(lineAfterLast, requestedParam is null
                ? "The file has a header but no rows."
                : $"No row has PARAMCD '{requestedParam}'" + (others.Length > 0 ? $"; the file holds {string.Join(", ", others)}." : ".")));
        }

        private ReadOnlySpan<char> Chars(ReadOnlySpan<byte> utf8)
        {
            if (_chars.Length < utf8.Length) _chars = new char[utf8.Length * 2];
            return _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
        }

        private static string Quote(ReadOnlySpan<byte> utf8)
        {
            var text = Encoding.UTF8.GetString(utf8);
            return "'" + (text.Length > 40 ? text[..40] + "…" : text) + "'";
        }
    }
}
