using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RpsServerless.Core;

/// <summary>
/// How the request-body parsers judge and quote text: what counts as printable, how a bad value is echoed back in a
/// field error, and how a JSON kind is named. One place, so every route answers bad input in the same words.
/// </summary>
internal static class InputText
{
    private const int MaxEchoedLength = 50;

    /// <summary>Non-empty of visible characters: no leading or trailing space, no control, format or unassigned ones.</summary>
    public static bool IsPrintable(string text)
    {
        if (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])) return false;
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != System.Buffers.OperationStatus.Done) return false;
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.Surrogate:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                    return false;
            }
            rest = rest[consumed..];
        }
        return true;
    }

    /// <summary>Bad values are echoed so the coordinator sees what was sent, cut short and stripped of control characters.</summary>
    public static string Echo(string value)
    {
        var shown = value.Length > MaxEchoedLength ? value[..MaxEchoedLength] + "…" : value;
        var builder = new StringBuilder(shown.Length);
        foreach (var c in shown) builder.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        return builder.ToString();
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
