using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;

namespace RpsServerless.Core.Protocol;

/// <summary>
/// The name an enumeration value has in the HTTP contract and the protocol definition (its
/// <see cref="JsonStringEnumMemberNameAttribute"/>), e.g. <c>Histology.Ddlps</c> → <c>DDLPS</c>.
/// </summary>
public static class ContractName
{
    private static readonly ConcurrentDictionary<Enum, string> Cache = new();

    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Cache.GetOrAdd(value, static v =>
            v.GetType().GetField(v.ToString())?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? v.ToString());

    /// <summary>The value whose contract name is <paramref name="name"/>, if any (ordinal comparison).</summary>
    public static bool TryParse<TEnum>(string name, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (Of(candidate) == name)
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
