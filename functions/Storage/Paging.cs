using System.Buffers.Text;
using System.Text;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Storage;

/// <summary>
/// Continuation tokens of the paged listings. A token is the RowKey of the last item returned, base64url-encoded:
/// the next page is a range query <c>RowKey gt token</c> in the same partition, so the listing never scans the table,
/// a token cannot move a caller into another site's partition, and a forged token is merely a different start point.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    public static string Encode(string rowKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(rowKey));

    /// <summary>The RowKey inside a token, if <paramref name="isValidRowKey"/> accepts it.</summary>
    public static bool TryDecode(string token, Func<string, bool> isValidRowKey, out string rowKey)
    {
        rowKey = "";
        if (token.Length is 0 or > 400 || !Base64Url.IsValid(token))
            return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (!isValidRowKey(decoded))
                return false;
            rowKey = decoded;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Takes up to <paramref name="pageSize"/> items plus one to learn whether another page exists.</summary>
    public static async Task<Page<T>> ReadPageAsync<TEntity, T>(IAsyncEnumerable<TEntity> rows, int pageSize,
        Func<TEntity, T> map, Func<TEntity, string> rowKey, CancellationToken cancellationToken)
    {
        var items = new List<T>(pageSize);
        string? lastKey = null;
        var more = false;
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (items.Count == pageSize)
            {
                more = true;
                break;
            }
            items.Add(map(row));
            lastKey = rowKey(row);
        }
        return new Page<T>(items, more ? Encode(lastKey!) : null);
    }
}
