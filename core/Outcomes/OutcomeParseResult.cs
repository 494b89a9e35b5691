using System.Diagnostics.CodeAnalysis;

namespace RpsServerless.Core.Outcomes;

/// <summary>Either a structurally valid request body or every problem found in it, by field path.</summary>
public sealed class OutcomeParseResult<T> where T : class
{
    internal OutcomeParseResult(T? value, IReadOnlyList<FieldError> errors)
    {
        Value = errors.Count == 0 ? value : null;
        Errors = errors.Count == 0 && value is null
            ? [new FieldError("$", "The body could not be read.")]
            : errors;
    }

    public T? Value { get; }

    /// <summary>Every problem, in document order; empty when <see cref="IsValid"/>.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsValid => Value is not null;
}
