using Microsoft.Extensions.Logging;
using RpsServerless.Core;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Core.Screening;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Storage.Screenings;

namespace RpsServerless.Functions.Workflows;

/// <summary>What submitting a screening came to.</summary>
public abstract record ScreeningSubmissionResult
{
    private ScreeningSubmissionResult()
    {
    }

    /// <summary>Nothing stored: the body is not a valid submission.</summary>
    public sealed record Invalid(IReadOnlyList<FieldError> Errors) : ScreeningSubmissionResult;

    /// <summary>Evaluated and stored.</summary>
    public sealed record Stored(ScreeningRecord Screening) : ScreeningSubmissionResult;

    /// <summary>Nothing stored: the caller may not record screenings at the site the body names.</summary>
    public sealed record SiteRefused(string SiteId) : ScreeningSubmissionResult;
}

/// <summary>
/// <c>POST /api/screenings</c>: parse the submission (field-path errors), refuse a screening date in the future at
/// the site, evaluate every criterion under the current protocol, store submission and evaluation.
/// </summary>
public sealed class SubmitScreening(
    IScreeningStore screenings, ProtocolDefinition protocol, ScreeningIds.Generator ids, TimeProvider time,
    ILogger<SubmitScreening> logger)
{
    /// <param name="mayRecordAt">Whether the caller may record screenings at a site (the body names it); checked
    /// before anything is stored. Null: no caller scope (tests of the workflow alone).</param>
    public async Task<ScreeningSubmissionResult> RunAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken,
        Func<string, bool>? mayRecordAt = null)
    {
        var parsed = ScreeningSubmissionParser.Parse(body, protocol);
        if (!parsed.IsValid)
        {
            logger.LogInformation(LogEvents.ScreeningInvalid, "Screening submission refused with {ErrorCount} field errors", parsed.Errors.Count);
            return new ScreeningSubmissionResult.Invalid(parsed.Errors);
        }

        var submission = parsed.Submission;
        if (mayRecordAt is not null && !mayRecordAt(submission.SiteId))
            return new ScreeningSubmissionResult.SiteRefused(submission.SiteId);

        var now = time.GetUtcNow();
        // "Today" is the site's calendar date: a screening dated tomorrow there has not happened yet.
        var today = SiteClock.Today(protocol, submission.SiteId, now);
        if (submission.ScreenedOn > today)
            return new ScreeningSubmissionResult.Invalid(
                [new FieldError("screenedOn", $"The screening date {submission.ScreenedOn:yyyy-MM-dd} is in the future at site {submission.SiteId} (today there is {today:yyyy-MM-dd}).")]);

        var evaluation = ScreeningEvaluator.Evaluate(submission, protocol);
        var screeningId = ScreeningIds.Format(ids.Next(now), submission.SiteId);
        var screening = new ScreeningRecord(
            screeningId, submission.SiteId, submission.ScreeningNumber, submission.ScreenedOn, evaluation.ProtocolVersion,
            now, WithoutByteOrderMark(body).ToArray(), StoredEvaluation.From(evaluation), ParticipantId: null);

        using var scope = logger.BeginScreening(screeningId);
        await screenings.AddAsync(screening, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.ScreeningSubmitted, "Screening stored at site {SiteId}: {Outcome} under {ProtocolVersion}",
            submission.SiteId, ContractName.Of(evaluation.Outcome), evaluation.ProtocolVersion);
        return new ScreeningSubmissionResult.Stored(screening);
    }

    // The parser accepts a UTF-8 byte order mark; the stored JSON is the same document without it.
    private static ReadOnlyMemory<byte> WithoutByteOrderMark(ReadOnlyMemory<byte> body) =>
        body.Span.StartsWith(System.Text.Encoding.UTF8.Preamble) ? body[System.Text.Encoding.UTF8.Preamble.Length..] : body;
}
