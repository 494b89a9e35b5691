using Microsoft.AspNetCore.Http;
using RpsServerless.Functions.Http.Idempotency;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Tests;

public class CallerTests
{
    [Fact]
    public void UntilAuthenticationExists_EveryCallerIsAnonymous() =>
        Assert.Equal("anonymous", new AnonymousCaller().GetCallerId(new DefaultHttpContext().Request));

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
