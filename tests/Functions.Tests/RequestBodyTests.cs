using System.Text;
using Microsoft.AspNetCore.Http;
using RpsServerless.Functions.Http;

namespace RpsServerless.Functions.Tests;

public class RequestBodyTests
{
    [Fact]
    public async Task BodyOver64KiB_ByContentLength_Is413()
    {
        var request = TestHttp.Post("/api/x", "{}");
        request.ContentLength = RequestBody.MaxBytes + 1;
        var read = await RequestBody.ReadAsync(request, CancellationToken.None);
        Assert.Equal(413, read.Rejection!.StatusCode);
    }

    [Fact]
    public async Task BodyOver64KiB_WithoutContentLength_Is413()
    {
        var request = TestHttp.Post("/api/x", "{\"a\":\"" + new string('x', RequestBody.MaxBytes) + "\"}");
        request.ContentLength = null;
        var read = await RequestBody.ReadAsync(request, CancellationToken.None);
        Assert.Equal(413, read.Rejection!.StatusCode);
        Assert.StartsWith("application/problem+json", read.Rejection.ContentType);
    }

    [Fact]
    public async Task BodyOfExactly64KiB_IsAccepted()
    {
        var json = "\"" + new string('x', RequestBody.MaxBytes - 2) + "\"";
        Assert.Equal(RequestBody.MaxBytes, Encoding.UTF8.GetByteCount(json));
        var read = await RequestBody.ReadAsync(TestHttp.Post("/api/x", json), CancellationToken.None);
        Assert.Null(read.Rejection);
        Assert.Equal(RequestBody.MaxBytes, read.Body!.Bytes.Length);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData(null)]
    [InlineData("application/json; charset=latin1")]
    public async Task NonJsonBody_Is415(string? contentType)
    {
        var read = await RequestBody.ReadAsync(TestHttp.Post("/api/x", "{}", contentType), CancellationToken.None);
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, read.Rejection!.StatusCode);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    [InlineData("application/merge-patch+json")]
    public async Task JsonBody_IsAccepted(string contentType)
    {
        var read = await RequestBody.ReadAsync(TestHttp.Post("/api/x", "{}", contentType), CancellationToken.None);
        Assert.Null(read.Rejection);
    }

    [Fact]
    public async Task EmptyBody_NeedsNoContentType()
    {
        var read = await RequestBody.ReadAsync(TestHttp.Post("/api/x", null, contentType: null), CancellationToken.None);
        Assert.Null(read.Rejection);
        Assert.True(read.Body!.IsEmpty);
    }
}
