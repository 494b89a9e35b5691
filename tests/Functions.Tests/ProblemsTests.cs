using Microsoft.AspNetCore.Http;
using RpsServerless.Core;
using RpsServerless.Functions.Http;

namespace RpsServerless.Functions.Tests;

public class ProblemsTests
{
    [Fact]
    public async Task ValidationProblem_IsProblemJsonWithErrorsMapAndTraceId()
    {
        var request = TestHttp.Get("/api/x");
        var problem = Problems.Validation(request.HttpContext,
            [new FieldError("patient.ageYears", "Required."), new FieldError("patient.ageYears", "Too old."), new FieldError("siteId", "Unknown site.")]);

        var written = await TestHttp.ExecuteAsync(problem, request);

        Assert.Equal(400, written.Status);
        Assert.StartsWith("application/problem+json", written.ContentType);
        var json = written.Json;
        Assert.Equal(ProblemTypes.Validation, json.GetProperty("type").GetString());
        Assert.Equal(400, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("detail").GetString()));
        Assert.Equal("trace-1", json.GetProperty("traceId").GetString());
        Assert.Equal(["Required.", "Too old."], json.GetProperty("errors").GetProperty("patient.ageYears").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Unknown site.", json.GetProperty("errors").GetProperty("siteId")[0].GetString());
    }

    [Fact]
    public void ProblemsWithoutFieldErrors_HaveNoErrorsMember()
    {
        var problem = Problems.NotFound(new DefaultHttpContext(), "No such screening.");
        Assert.DoesNotContain("\"errors\"", problem.BodyText);
        Assert.Contains("\"traceId\"", problem.BodyText);
    }

    [Fact]
    public void ServiceUnavailable_SaysRetryAfterInWholeSeconds()
    {
        var problem = Problems.ServiceUnavailable(new DefaultHttpContext(), TimeSpan.FromMilliseconds(2500));
        Assert.Equal(503, problem.StatusCode);
        Assert.Equal("3", problem.Headers["Retry-After"]);
    }

    [Fact]
    public void InternalError_NamesNoCause()
    {
        var problem = Problems.Internal(new DefaultHttpContext());
        Assert.Equal(500, problem.StatusCode);
        Assert.DoesNotContain("Exception", problem.BodyText);
    }
}
