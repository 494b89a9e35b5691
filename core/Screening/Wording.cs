using System.Globalization;

namespace RpsServerless.Core.Screening;

/// <summary>How numbers and lists read in reasons and error messages.</summary>
internal static class Wording
{
    // Enough digits for any decimal, none trailing: 10.0 reads "10", 9.95 reads "9.95" (never rounded to "10").
    private const string PlainNumber = "0.############################";

    public static string Number(decimal value) => value.ToString(PlainNumber, CultureInfo.InvariantCulture);

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string JoinWithOr(IReadOnlyList<string> items) => Join(items, " or ");

    public static string JoinWithAnd(IReadOnlyList<string> items) => Join(items, " and ");

    private static string Join(IReadOnlyList<string> items, string last)
    {
        if (items.Count == 0) return "";
        var text = items[0];
        for (var i = 1; i < items.Count; i++) text += (i == items.Count - 1 ? last : ", ") + items[i];
        return text;
    }
}
