using System.Globalization;
using Microsoft.AspNetCore.Http;
using RpsServerless.Core;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Functions.Http;

/// <summary>Reads query-string parameters into values or field errors (the parameter name is the field path).</summary>
internal sealed class Query(HttpRequest request)
{
    public List<FieldError> Errors { get; } = [];

    public string? Text(string name)
    {
        var values = request.Query[name];
        if (values.Count > 1)
            Errors.Add(new FieldError(name, "Give this parameter once."));
        var value = values.Count == 0 ? null : values[0];
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public DateOnly? Date(string name)
    {
        var text = Text(name);
        if (text is null)
            return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return date;
        Errors.Add(new FieldError(name, "A date is YYYY-MM-DD."));
        return null;
    }

    public TEnum? Enumeration<TEnum>(string name) where TEnum : struct, Enum
    {
        var text = Text(name);
        if (text is null)
            return null;
        if (ContractName.TryParse<TEnum>(text, out var value))
            return value;
        Errors.Add(new FieldError(name, $"One of {string.Join(", ", Enum.GetValues<TEnum>().Select(v => ContractName.Of(v)))}."));
        return null;
    }

    /// <summary>An API extension beyond api.md: <c>pageSize</c> 1–100, default 50.</summary>
    public int PageSize()
    {
        var text = Text("pageSize");
        if (text is null)
            return Paging.DefaultPageSize;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= Paging.MaxPageSize)
            return size;
        Errors.Add(new FieldError("pageSize", $"A whole number from 1 to {Paging.MaxPageSize}."));
        return Paging.DefaultPageSize;
    }

    public string? ContinuationToken(Func<string, bool> isValid)
    {
        var token = Text("continuationToken");
        if (token is not null && !isValid(token))
        {
            Errors.Add(new FieldError("continuationToken", "Not a continuation token of this listing; start again without one."));
            return null;
        }
        return token;
    }
}
