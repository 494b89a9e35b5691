using System.Globalization;
using Azure.Data.Tables;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <summary>How calendar dates, enumerations and key ranges are written in the scheduling tables.</summary>
internal static class StorageValues
{
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string? Date(DateOnly? date) => date is { } d ? Date(d) : null;

    public static DateOnly? ReadDate(TableEntity entity, string property) =>
        entity.GetString(property) is { } text ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;

    public static DateOnly RequiredDate(TableEntity entity, string property) =>
        ReadDate(entity, property) ?? throw new InvalidDataException($"Row {entity.PartitionKey}/{entity.RowKey} has no {property}.");

    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => ContractName.Of(value);

    public static TEnum Enum<TEnum>(TableEntity entity, string property) where TEnum : struct, Enum =>
        ContractName.TryParse<TEnum>(entity.GetString(property) ?? "", out var value)
            ? value
            : throw new InvalidDataException($"Row {entity.PartitionKey}/{entity.RowKey}: '{entity.GetString(property)}' is not a {typeof(TEnum).Name}.");

    public static string Required(TableEntity entity, string property) =>
        entity.GetString(property) ?? throw new InvalidDataException($"Row {entity.PartitionKey}/{entity.RowKey} has no {property}.");

    /// <summary>RowKeys that start with <paramref name="prefix"/> (ending in '|'): the range [prefix, prefix with '|' → '}').</summary>
    public static string PrefixFilter(string partitionKey, string prefix) =>
        $"PartitionKey eq {TableKeys.Literal(partitionKey)} and RowKey ge {TableKeys.Literal(prefix)} and RowKey lt {TableKeys.Literal(prefix[..^1] + "}")}";
}
