using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Allocation;

/// <summary>
/// The go-live commitment (protocol.md §4, anchors §6.1): published before the first allocation, it binds the trial to
/// one seed and one set of allocation settings. After database lock an auditor given the seed recomputes it; a match
/// proves that nothing was re-drawn. It reveals nothing about the seed: the seed is 256 secret random bits, so SHA-256
/// of it cannot be inverted or guessed, and no separate nonce is needed.
/// </summary>
/// <remarks>
/// The commitment is the lower-case hex SHA-256 of these bytes, in order (u32 = 4-byte big-endian unsigned;
/// str = u32 byte length then the UTF-8 bytes):
/// <code>
///   ASCII "RPS-ALLOCATION-COMMITMENT-v1"
///   u32 seed length, seed bytes
///   str protocol version                   "NATARS-1.0"
///   str method                             "permuted_blocks" | "minimisation" | "assigned"
///   u32 number of arms, then per arm in the protocol's arm order: str arm id, u32 ratio weight
///   u32 number of strata, then str per stratum in listed order
///   u32 number of block sizes, then u32 per size in listed order
///   u32 number of minimisation factors, then str per factor in listed order ("histology", "site")
///   8 bytes: the preferred-arm probability p as an IEEE 754 binary64, big-endian (0.8 → 3FE999999999999A)
///   u32 number of assigned bases, then str per basis in listed order
/// </code>
/// Every setting is covered, in listed order, because order is part of the algorithm (block sizes and arms are drawn
/// by index).
/// </remarks>
public static class AllocationCommitment
{
    private static ReadOnlySpan<byte> Label => "RPS-ALLOCATION-COMMITMENT-v1"u8;

    public static string Compute(AllocationSeed seed, ProtocolDefinition protocol)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(protocol);
        var a = protocol.Allocation;
        using var bytes = new MemoryStream();
        bytes.Write(Label);
        WriteUInt32(bytes, seed.Key.Length);
        bytes.Write(seed.Key);
        WriteString(bytes, protocol.Version);
        WriteString(bytes, ContractName.Of(a.Method));

        WriteUInt32(bytes, protocol.Arms.Count);
        foreach (var arm in protocol.Arms)
        {
            WriteString(bytes, arm.Id);
            WriteUInt32(bytes, a.Ratio[arm.Id]);
        }
        WriteUInt32(bytes, a.Strata.Count);
        foreach (var stratum in a.Strata) WriteString(bytes, stratum);
        WriteUInt32(bytes, a.BlockSizes.Count);
        foreach (var size in a.BlockSizes) WriteUInt32(bytes, size);
        WriteUInt32(bytes, a.Minimisation.Factors.Count);
        foreach (var factor in a.Minimisation.Factors) WriteString(bytes, ContractName.Of(factor));
        Span<byte> p = stackalloc byte[sizeof(double)];
        BinaryPrimitives.WriteDoubleBigEndian(p, a.Minimisation.PreferredArmProbability);
        bytes.Write(p);
        WriteUInt32(bytes, a.AssignedBases.Count);
        foreach (var basis in a.AssignedBases) WriteString(bytes, basis);

        var buffer = bytes.GetBuffer();
        try
        {
            return Convert.ToHexStringLower(SHA256.HashData(buffer.AsSpan(0, (int)bytes.Length)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer); // the buffer held the seed
        }
    }

    private static void WriteUInt32(Stream stream, int value)
    {
        Span<byte> word = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(word, checked((uint)value));
        stream.Write(word);
    }

    private static void WriteString(Stream stream, string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        WriteUInt32(stream, utf8.Length);
        stream.Write(utf8);
    }
}
