using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Core;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage.Screenings;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Http;

/// <summary>The allocation of a screening: 201 the first time, 200 with the same body after.</summary>
public sealed class Allocations(ApiEndpoint endpoint, AllocateScreening allocate, ICallerIdentity caller)
{
    [Function(nameof(AllocateScreening))]
    public Task<IResult> AllocateScreening(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "screenings/{screeningId}/allocation")] HttpRequest request,
        string screeningId, CancellationToken cancellationToken) =>
        endpoint.PostAsync(request, async (callerContext, body, ct) =>
        {
            var context = request.HttpContext;
            // The screening id carries its site: a malformed id is unknown, another site's id looks unknown too (404).
            if (!ScreeningIds.TryParse(screeningId, out _, out var site))
                return AccessProblems.NotFound(context);
            if (callerContext.RequireSite(site) is { } denied)
                return denied;
            ArmAssignment? assignment = null;
            if (!body.IsEmpty)
            {
                if (!ApiJson.TryDeserialize<AllocationRequestBody>(body.Bytes, out var parsed, out var errors))
                    return Problems.Validation(context, errors);
                assignment = new ArmAssignment(parsed!.Arm, parsed.Basis, parsed.Note);
            }

            var result = await allocate.RunAsync(screeningId, assignment, caller.GetCallerId(request), Problems.TraceId(context), ct)
                .ConfigureAwait(false);
            return result switch
            {
                AllocationResult.Allocated { IsNew: true } allocated => ApiResponse.Created(
                    $"/api/participants/{allocated.Allocation.ParticipantId}", AllocationBody.From(allocated.Allocation)),
                AllocationResult.Allocated allocated => ApiResponse.Ok(AllocationBody.From(allocated.Allocation)),
                AllocationResult.ScreeningNotFound => Problems.NotFound(context, "No screening has this id."),
                AllocationResult.NotEligible notEligible => Problems.Conflict(context,
                    $"Only an eligible screening can be allocated; this one is {ContractName.Of(notEligible.Screening.Outcome)}. See errors for the criteria not met.",
                    notEligible.Screening.Evaluation.Blocking.Select(c =>
                        new FieldError($"criteria.{c.Id}", $"{ContractName.Of(c.Status)}: {c.Reason}"))),
                AllocationResult.Invalid invalid => Problems.Validation(context, invalid.Errors),
                AllocationResult.Unavailable unavailable => Problems.Create(context, StatusCodes.Status503ServiceUnavailable,
                        ProblemTypes.ServiceUnavailable, "Service unavailable.", "Allocation is temporarily unavailable and nothing was changed. Retry later.")
                    .WithHeader("Retry-After", Problems.RetryAfterSeconds(unavailable.RetryAfter)),
                _ => throw new InvalidOperationException("Unknown allocation result."),
            };
        }, cancellationToken);
}
