using System.Globalization;
using RpsServerless.Functions.Security;

namespace RpsServerless.DevHost;

/// <summary>
/// <c>dotnet RpsServerless.DevHost.dll [--port N]</c>: the Function App on http://127.0.0.1:7071/api.
/// <c>… token --role coordinator --site PKUIH [--minutes 60]</c>: prints one development token and nothing else.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "token")
            return TokenCommand.Run(args[1..], Environment.GetEnvironmentVariables(), Console.Out, Console.Error);

        var port = DevHostOptions.DefaultPort;
        var index = Array.IndexOf(args, "--port");
        if (index >= 0 && (index + 1 >= args.Length || !int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out port)))
        {
            Console.Error.WriteLine("usage: devhost [--port N]  |  devhost token --role ROLE [--site SITE]... [--minutes N]");
            return 2;
        }
        var rest = index >= 0 ? args.Where((_, i) => i != index && i != index + 1).ToArray() : args;

        await using var host = await DevHostApplication.StartAsync(new DevHostOptions { Port = port, Args = rest });
        var api = new Uri(host.BaseAddress, "api/");
        Console.WriteLine();
        Console.WriteLine($"RpsServerless devhost listening on {host.BaseAddress}  ({host.Functions.Count} functions; Ctrl+C stops)");
        foreach (var function in host.Functions)
            Console.WriteLine($"  {function.Name,-28} {Describe(function)}");
        if (host.Azurite is { } azurite)
            Console.WriteLine($"  Azurite (started here, data in {azurite.Options.DataDirectory}): queues :{azurite.QueuePort}, tables :{azurite.TablePort}");
        Console.WriteLine();
        if (host.SigningKey is null)
        {
            Console.WriteLine($"Tokens: from {host.Auth.Authority} (audience {host.Auth.Audience}); no development key is in use.");
        }
        else
        {
            Console.WriteLine($"Development tokens (8 h; local key {host.SigningKey.KeyId}, audience {host.Auth.Audience}):");
            foreach (var role in Enum.GetValues<Role>())
            {
                var sites = AccessPolicy.SiteScoped.Contains(role) ? new[] { TokenCommand.DefaultSite } : [];
                var label = role.ClaimValue() + (sites.Length > 0 ? "@" + sites[0] : "");
                Console.WriteLine($"  {label,-20} {host.CreateToken(new DevelopmentCaller([role], sites), TimeSpan.FromHours(8))}");
            }
        }
        Console.WriteLine();
        Console.WriteLine("Try:");
        Console.WriteLine($"  curl -s {api}health");
        Console.WriteLine("  TOKEN=$(./run token --role coordinator --site PKUIH)");
        Console.WriteLine($"  curl -s -X POST {api}screenings -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\");
        Console.WriteLine("       -H 'Idempotency-Key: demo-0042' --data @devhost/samples/screening-submission.json");
        Console.WriteLine();
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static string Describe(FunctionDescriptor function) => function.Trigger switch
    {
        FunctionTrigger.Http => $"{string.Join(",", function.HttpMethods ?? [])} /api/{function.Route}",
        FunctionTrigger.Queue => $"queue {function.QueueName}",
        FunctionTrigger.Timer => $"timer {function.Schedule}",
        _ => "",
    };
}

/// <summary>
/// <c>devhost token --role ROLE [--site SITE]... [--minutes N] [--subject ID]</c>: one development token on standard
/// output, nothing else, so it can be used as <c>$(…)</c>. Refused when <c>Auth__Authority</c> is set.
/// </summary>
public static class TokenCommand
{
    public const string DefaultSite = "PKUIH";
    public const string Usage = "usage: devhost token --role coordinator|investigator|data_manager|statistician|auditor [--site SITE]... [--minutes 1-720] [--subject ID]";

    public static int Run(IReadOnlyList<string> args, System.Collections.IDictionary environment, TextWriter output, TextWriter error)
    {
        var roles = new List<Role>();
        var sites = new List<string>();
        var minutes = 60;
        string? subject = null;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "--role" when value is not null && AccessPolicy.TryParseRole(value, out var role):
                    roles.Add(role);
                    break;
                case "--site" when value is not null && Caller.IsSiteId(value):
                    sites.Add(value);
                    break;
                case "--minutes" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) && minutes is >= 1 and <= 720:
                    break;
                case "--subject" when !string.IsNullOrWhiteSpace(value) && value.Length <= 128:
                    subject = value;
                    break;
                default:
                    error.WriteLine($"devhost token: bad or incomplete option '{args[i]}'.");
                    error.WriteLine(Usage);
                    return 2;
            }
            i++;
        }
        if (roles.Count == 0)
        {
            error.WriteLine("devhost token: --role is required.");
            error.WriteLine(Usage);
            return 2;
        }
        if (roles.Any(AccessPolicy.SiteScoped.Contains) && sites.Count == 0)
        {
            error.WriteLine("devhost token: coordinator and investigator tokens need --site (e.g. --site PKUIH).");
            return 2;
        }

        string? Setting(string name) => (environment[name] ?? environment[name.Replace("__", ":", StringComparison.Ordinal)]) as string;
        if (!string.IsNullOrWhiteSpace(Setting("Auth__Authority")))
        {
            error.WriteLine("devhost token: Auth__Authority is set, so the devhost accepts Entra ID tokens only.");
            return 2;
        }
        var audience = Setting("Auth__Audience") is { Length: > 0 } configured ? configured : DevelopmentSigningKey.DefaultAudience;
        var siteClaim = Setting("Auth__SiteClaim") is { Length: > 0 } claim ? claim : AuthOptions.DefaultSiteClaim;
        var key = DevelopmentSigningKey.LoadOrCreate(DevelopmentSigningKey.DefaultDirectory());
        output.WriteLine(key.CreateToken(new DevelopmentCaller(roles, sites, subject), audience, DateTimeOffset.UtcNow,
            TimeSpan.FromMinutes(minutes), siteClaim));
        return 0;
    }
}
