using Microsoft.AspNetCore.Http;
using RpsServerless.Functions.Http.Idempotency;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Tests;

public class CallerTests
{
    [Fact]
    public void CallerId_IsTheAuthenticatedSubject_AndThereIsNoAnonymousFallback()
    {
        var request = new DefaultHttpContext().Request;
        Assert.Throws<InvalidOperationException>(() => new TokenCallerIdentity().GetCallerId(request));
        new CallerContext(TestCallers.Everyone, new RouteRule("GET", "x", null), request.HttpContext, new Dictionary<string, string>()).Attach();
        Assert.Equal("test-caller", new TokenCallerIdentity().GetCallerId(request));
    }

    [Fact]
    public void RequestHash_DependsOnRouteAndBody()
    {
        var a = TestHttp.Post("/api/screenings", "{}");
        var b = TestHttp.Post("/api/screenings/x/allocation", "{}");
        var body = "{}"u8.ToArray();
        Assert.NotEqual(IdempotencyKey.RequestHash(a, body), IdempotencyKey.RequestHash(b, body));
        Assert.NotEqual(IdempotencyKey.RequestHash(a, body), IdempotencyKey.RequestHash(a, "{ }"u8.ToArray()));
        Assert.Equal(IdempotencyKey.RequestHash(a, body), IdempotencyKey.RequestHash(TestHttp.Post("/api/screenings", "{}"), body));
    }
}
