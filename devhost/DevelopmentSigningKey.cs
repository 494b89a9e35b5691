using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RpsServerless.Functions.Security;

namespace RpsServerless.DevHost;

/// <summary>What a development token says about its caller.</summary>
public sealed record DevelopmentCaller(IReadOnlyList<Role> Roles, IReadOnlyList<string> Sites, string? Subject = null)
{
    public static DevelopmentCaller Of(Role role, params string[] sites) => new([role], sites);

    /// <summary>Stable per role and site, so idempotency keys of one "user" stay together across tokens.</summary>
    public string SubjectOrDefault => Subject ?? "dev-" + string.Join('+', Roles.Select(r => r.ClaimValue())) +
        (Sites.Count > 0 ? "-" + string.Join('+', Sites) : "");
}

/// <summary>
/// The devhost's local RSA signing key: the stand-in for Entra ID when no <c>Auth:Authority</c> is configured (and
/// never otherwise: <see cref="Functions.Composition.UseDevelopmentSigningKeys"/> refuses). It lives in the
/// git-ignored <c>.devhost/</c> folder at the repository root (owner-only file), so <c>devhost token</c> and a running
/// devhost share it; it is part of the devhost only and never ships with the Function App.
/// </summary>
public sealed class DevelopmentSigningKey
{
    /// <summary>The <c>iss</c> of development tokens. <c>.invalid</c> (RFC 2606) is never a real host.</summary>
    public const string Issuer = "https://devhost.natars.invalid/";

    /// <summary>The <c>aud</c> of development tokens when <c>Auth:Audience</c> is not set.</summary>
    public const string DefaultAudience = "api://natars-rps-devhost";

    public const string FolderName = ".devhost";
    public const string FileName = "signing-key.pem";

    private readonly RSA _rsa;

    private DevelopmentSigningKey(RSA rsa)
    {
        _rsa = rsa;
        var parameters = rsa.ExportParameters(false);
        var thumbprint = SHA256.HashData([.. parameters.Modulus!, .. parameters.Exponent!]);
        KeyId = Base64UrlEncoder.Encode(thumbprint)[..16];
        PublicKey = new RsaSecurityKey(parameters) { KeyId = KeyId };
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256);
    }

    public string KeyId { get; }
    public SecurityKey PublicKey { get; }
    private SigningCredentials SigningCredentials { get; }

    /// <summary>A fresh key that lives only in memory (tests).</summary>
    public static DevelopmentSigningKey Create() => new(RSA.Create(2048));

    /// <summary>The key in <paramref name="directory"/>, created there (owner read/write only) when missing.</summary>
    public static DevelopmentSigningKey LoadOrCreate(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            // Written whole under a name of its own, then moved into place: another devhost (tests start several at
            // once in a fresh clone) either finds no key yet or a complete one, never a half-written file.
            Directory.CreateDirectory(directory);
            var written = Path.Combine(directory, $"{FileName}.{Guid.NewGuid():N}.tmp");
            using (var fresh = RSA.Create(2048))
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var file = new StreamWriter(written, System.Text.Encoding.ASCII, options);
                file.Write(fresh.ExportPkcs8PrivateKeyPem());
            }
            try
            {
                File.Move(written, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(written); // another devhost put its key in place first: use theirs
            }
        }
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        return new DevelopmentSigningKey(rsa);
    }

    /// <summary><c>.devhost/</c> at the repository root (the folder with <c>RpsServerless.sln</c>), else in the current folder.</summary>
    public static string DefaultDirectory()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
                if (File.Exists(Path.Combine(directory.FullName, "RpsServerless.sln")))
                    return Path.Combine(directory.FullName, FolderName);
        return Path.Combine(Directory.GetCurrentDirectory(), FolderName);
    }

    /// <summary>A signed access token as Entra ID would issue it: <c>oid</c>/<c>sub</c>, <c>roles</c>, the site claim.</summary>
    public string CreateToken(DevelopmentCaller caller, string audience, DateTimeOffset now, TimeSpan lifetime,
        string siteClaim = AuthOptions.DefaultSiteClaim)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = caller.SubjectOrDefault,
            ["oid"] = caller.SubjectOrDefault,
            [AuthOptions.RolesClaim] = caller.Roles.Select(role => role.ClaimValue()).ToArray(),
        };
        if (caller.Sites.Count > 0)
            claims[siteClaim] = caller.Sites.ToArray();
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = SigningCredentials,
        });
    }
}
