using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Screening;

/// <summary>
/// The contract names of one enumeration, looked up without boxing or reflection after the first use, for the
/// parser and the evaluator's reasons (<see cref="ContractName"/> is the general, reflective form).
/// </summary>
internal static class ContractEnum<TEnum> where TEnum : struct, Enum
{
    private static readonly TEnum[] Values = Enum.GetValues<TEnum>();
    private static readonly string[] Names = Array.ConvertAll(Values, v => ContractName.Of(v));

    /// <summary>Every allowed name, for error messages: <c>DDLPS, LMS, UPS, …</c>.</summary>
    public static readonly string AllowedNames = string.Join(", ", Names);

    public static string Name(TEnum value)
    {
        for (var i = 0; i < Values.Length; i++)
            if (EqualityComparer<TEnum>.Default.Equals(Values[i], value)) return Names[i];
        return value.ToString();
    }

    public static bool TryParse(string name, out TEnum value)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                value = Values[i];
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>Names of <paramref name="values"/> joined the way a reason reads: <c>2 or 3</c>, <c>a, b or c</c>.</summary>
    public static string JoinedWithOr(IReadOnlyList<TEnum> values)
    {
        var names = new string[values.Count];
        for (var i = 0; i < names.Length; i++) names[i] = Name(values[i]);
        return Wording.JoinWithOr(names);
    }
}
