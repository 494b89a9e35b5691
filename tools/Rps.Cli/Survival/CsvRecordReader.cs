using System.Buffers;

namespace RpsServerless.Cli.Survival;

/// <summary>
/// Reads RFC 4180 records from a UTF-8 stream through one reusable buffer, handing out each field as a span of the
/// buffer: a million rows cost no string per field. Quoted fields may hold commas, doubled quotes and line breaks;
/// records end with LF or CRLF; a UTF-8 byte order mark is skipped; blank lines are skipped (as R's read.csv does).
/// </summary>
internal sealed class CsvRecordReader(Stream stream)
{
    private static readonly SearchValues<byte> UnquotedStops = SearchValues.Create(",\n\""u8);

    private byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;
    private bool _endOfStream;
    private bool _started;
    private Field[] _fields = new Field[16];
    private byte[] _unescaped = new byte[256];

    /// <summary>The line on which the next record starts (1-based).</summary>
    private int _nextLine = 1;

    /// <summary>The line on which the current record starts.</summary>
    public int Line { get; private set; }

    /// <summary>Fields of the current record.</summary>
    public int FieldCount { get; private set; }

    /// <summary>
    /// Moves to the next non-blank record. False at the end of the input, or with <paramref name="error"/> set when the
    /// record is malformed (an unterminated quote, a quote inside an unquoted field, text after a closing quote).
    /// </summary>
    public bool Read(out string? error)
    {
        error = null;
        if (!_started) Start();
        while (true)
        {
            var outcome = TryParseRecord(out var consumed, out var lineBreaks, out error);
            if (outcome == Parse.NeedMoreData)
            {
                FillBuffer();
                continue;
            }
            if (outcome == Parse.NoMoreRecords) return false;
            Line = _nextLine;
            _nextLine += lineBreaks;
            _start += consumed;
            if (outcome == Parse.Malformed) return false;
            if (FieldCount == 1 && _fields[0].Length == 0 && !_fields[0].Quoted) continue;
            return true;
        }
    }

    /// <summary>The field's bytes, without its quotes and with doubled quotes made single. Valid until the next read.</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            var field = _fields[index];
            var raw = _buffer.AsSpan(field.Start, field.Length);
            if (!field.HasDoubledQuotes) return raw;
            if (_unescaped.Length < raw.Length) _unescaped = new byte[raw.Length];
            var length = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                _unescaped[length++] = raw[i];
                if (raw[i] == (byte)'"') i++;
            }
            return _unescaped.AsSpan(0, length);
        }
    }

    private void Start()
    {
        _started = true;
        while (_end < 3 && !_endOfStream) FillBuffer();
        if (_buffer.AsSpan(0, _end).StartsWith("\uFEFF"u8)) _start = 3;
    }

    private void FillBuffer()
    {
        if (_start > 0)
        {
            // Keep the unfinished record, drop what is read.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        else if (_end == _buffer.Length)
        {
            // One record longer than the buffer.
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        var read = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0) _endOfStream = true;
        _end += read;
    }

    private enum Parse { Record, NeedMoreData, NoMoreRecords, Malformed }

    private Parse TryParseRecord(out int consumed, out int lineBreaks, out string? error)
    {
        consumed = 0;
        lineBreaks = 0;
        error = null;
        FieldCount = 0;
        var data = _buffer.AsSpan(0, _end);
        var position = _start;
        if (position == _end && _endOfStream) return Parse.NoMoreRecords;

        while (true)
        {
            if (position < _end && data[position] == (byte)'"')
            {
                // Quoted field: runs to the quote that is not doubled.
                var contentStart = position + 1;
                var scan = contentStart;
                var doubled = false;
                int closing;
                while (true)
                {
                    var next = data[scan.._end].IndexOf((byte)'"');
                    if (next < 0)
                        return MoreOr(out error, "a quoted field is not closed before the end of the file", ref lineBreaks, data[_start.._end]);
                    closing = scan + next;
                    if (closing + 1 == _end && !_endOfStream) return Parse.NeedMoreData;
                    if (closing + 1 < _end && data[closing + 1] == (byte)'"')
                    {
                        doubled = true;
                        scan = closing + 2;
                        continue;
                    }
                    break;
                }
                AddField(contentStart, closing - contentStart, doubled, quoted: true);
                lineBreaks += data[contentStart..closing].Count((byte)'\n');
                position = closing + 1;
                if (position == _end) return EndOfRecord(position, ref consumed, ref lineBreaks, atEndOfData: true);
                var after = data[position];
                if (after == (byte)',') { position++; continue; }
                if (after == (byte)'\n') return EndOfRecord(position + 1, ref consumed, ref lineBreaks, atEndOfData: false);
                if (after == (byte)'\r')
                {
                    if (position + 1 == _end && !_endOfStream) return Parse.NeedMoreData;
                    if (position + 1 < _end && data[position + 1] == (byte)'\n')
                        return EndOfRecord(position + 2, ref consumed, ref lineBreaks, atEndOfData: false);
                }
                consumed = SkipToLineEnd(data, position, ref lineBreaks);
                error = "unexpected text after the closing quote of a field";
                return Parse.Malformed;
            }

            var stop = data[position.._end].IndexOfAny(UnquotedStops);
            if (stop < 0)
            {
                if (!_endOfStream) return Parse.NeedMoreData;
                var last = _end - position;
                if (last > 0 && data[_end - 1] == (byte)'\r') last--;
                AddField(position, last, doubled: false, quoted: false);
                return EndOfRecord(_end, ref consumed, ref lineBreaks, atEndOfData: true);
            }
            var at = position + stop;
            switch (data[at])
            {
                case (byte)',':
                    AddField(position, at - position, doubled: false, quoted: false);
                    position = at + 1;
                    continue;
                case (byte)'\n':
                    var length = at - position;
                    if (length > 0 && data[at - 1] == (byte)'\r') length--;
                    AddField(position, length, doubled: false, quoted: false);
                    return EndOfRecord(at + 1, ref consumed, ref lineBreaks, atEndOfData: false);
                default:
                    consumed = SkipToLineEnd(data, at, ref lineBreaks);
                    error = "a quote inside an unquoted field (quote the whole field and double the quote)";
                    return Parse.Malformed;
            }
        }
    }

    private Parse EndOfRecord(int next, ref int consumed, ref int lineBreaks, bool atEndOfData)
    {
        consumed = next - _start;
        if (!atEndOfData) lineBreaks++;
        return Parse.Record;
    }

    private Parse MoreOr(out string? error, string reason, ref int lineBreaks, ReadOnlySpan<byte> rest)
    {
        error = null;
        if (!_endOfStream) return Parse.NeedMoreData;
        error = reason;
        lineBreaks += rest.Count((byte)'\n');
        return Parse.Malformed;
    }

    private int SkipToLineEnd(ReadOnlySpan<byte> data, int from, ref int lineBreaks)
    {
        lineBreaks += data[_start..from].Count((byte)'\n') + 1;
        var newline = data[from.._end].IndexOf((byte)'\n');
        return (newline < 0 ? _end : from + newline + 1) - _start;
    }

    private void AddField(int start, int length, bool doubled, bool quoted)
    {
        if (FieldCount == _fields.Length) Array.Resize(ref _fields, _fields.Length * 2);
        _fields[FieldCount++] = new Field(start, length, doubled, quoted);
    }

    private readonly record struct Field(int Start, int Length, bool HasDoubledQuotes, bool Quoted);
}
