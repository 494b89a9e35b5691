using System.Security.Cryptography;

namespace RpsServerless.Core.Allocation;

/// <summary>
/// The HMAC-SHA256 key of a draw stream. The backend uses stateless one-shots (safe from any thread); the simulation,
/// which computes millions of outputs under one key per simulated trial, reuses one keyed HMAC per thread so the key
/// schedule is computed once instead of per output (about 2.5 times faster). Both give the same bytes.
/// </summary>
internal sealed class DrawKey : IDisposable
{
    private readonly byte[]? _key;
    private readonly IncrementalHash? _hmac;

    private DrawKey(byte[]? key, IncrementalHash? hmac)
    {
        _key = key;
        _hmac = hmac;
    }

    /// <summary>Stateless and thread-safe.</summary>
    public static DrawKey OneShot(byte[] key) => new(key, null);

    /// <summary>Faster, for one thread at a time only.</summary>
    public static DrawKey Reusable(ReadOnlySpan<byte> key) => new(null, IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));

    public void Compute(ReadOnlySpan<byte> message, Span<byte> output)
    {
        if (_hmac is null)
        {
            HMACSHA256.HashData(_key, message, output);
            return;
        }
        _hmac.AppendData(message);
        _hmac.GetHashAndReset(output);
    }

    public void Dispose() => _hmac?.Dispose();
}
