namespace RpsServerless.Core;

/// <summary>
/// One problem with one input value, named by its field path in the request body (<c>tumor.maxDiameterCm</c>,
/// <c>patient.ageYears</c>, <c>$</c> for the body itself). The HTTP layer turns a list of these into the
/// <c>errors</c> map of a 400 problem-details response; the CLI prints them.
/// </summary>
public sealed record FieldError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
