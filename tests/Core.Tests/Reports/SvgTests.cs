using System.Diagnostics;
using System.Xml.Linq;
using RpsServerless.Core.Reports;

namespace RpsServerless.Core.Tests.Reports;

public class SvgTests
{
    public static TheoryData<string> Figures => new(ReportFigures.All().Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Figures))]
    public void EveryFigure_IsValidSvgWithAllTextInside(string name)
    {
        var svg = ReportFigures.All().Single(f => f.Name == name).Svg;
        Assert.Empty(SvgCheck.Problems(svg));
        var root = XDocument.Parse(svg).Root!;
        Assert.Equal(XName.Get("svg", "http://www.w3.org/2000/svg"), root.Name);
        Assert.StartsWith("0 0 960 ", (string?)root.Attribute("viewBox"));
    }

    [Fact]
    public void SiteNamesArmLabelsAndReasons_AreEscapedAndReadBackUnchanged()
    {
        var figures = ReportFigures.All().ToDictionary(f => f.Name, f => f.Svg);
        var consort = figures["consort-escaping"];
        Assert.Contains("B&amp;B's &lt;abroad&gt;", consort);
        var texts = XDocument.Parse(consort).Descendants().Where(e => e.Name.LocalName == "text").Select(t => t.Value).ToArray();
        Assert.Contains(texts, t => t.Contains("Beijing Friendship & Children's \"West\" Hospital <BFH>"));
        Assert.Contains(texts, t => t.Contains("Moved to B&B's <abroad>"));
        var plot = XDocument.Parse(figures["km-escaping"]).Descendants().Where(e => e.Name.LocalName == "text").Select(t => t.Value);
        Assert.Contains(plot, t => t.StartsWith("Surgery only & <no> 'chemo'"));
        // The real site name with an apostrophe.
        Assert.Contains("Xi'an", string.Concat(XDocument.Parse(figures["consort-site-xjtu1"]).Descendants().Where(e => e.Name.LocalName == "text").Select(t => t.Value)));
    }

    [Fact]
    public void KaplanMeierPlot_HasACurveAndAnAtRiskRowPerArmAndTheLogRankP()
    {
        var svg = ReportFigures.All().Single(f => f.Name == "km-pfs").Svg;
        var document = XDocument.Parse(svg);
        var texts = document.Descendants().Where(e => e.Name.LocalName == "text").Select(t => t.Value).ToArray();
        Assert.Contains("Number at risk", texts);
        Assert.Contains(texts, t => t.StartsWith("Log-rank χ² = ") && t.Contains("p "));
        Assert.Contains(texts, t => t.Contains("NATARS-1.0") && t.Contains("2027-03-01 00:00 UTC"));
        // One step curve per arm, each with its own dash pattern so that the arms differ in greyscale.
        var curves = document.Descendants().Where(e => e.Name.LocalName == "path" && ((string?)e.Attribute("d"))!.Contains('H')).ToArray();
        Assert.Equal(2, curves.Length);
        Assert.Equal(2, curves.Select(c => (string?)c.Attribute("stroke-dasharray") ?? "solid").Distinct().Count());
    }

    [Fact]
    public void SvgCheck_FindsMalformedXmlAMissingViewBoxAForeignRootAndClippedText()
    {
        Assert.Contains("Not well-formed", SvgCheck.Problems("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>B&B</text></svg>").Single());
        Assert.Contains(SvgCheck.Problems("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>"), p => p.Contains("viewBox"));
        Assert.Contains(SvgCheck.Problems("<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\"/>"), p => p.Contains("namespace"));
        Assert.Contains(SvgCheck.Problems(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"40\" viewBox=\"0 0 100 40\"><text x=\"60\" y=\"20\" font-size=\"12\">far too long a label</text></svg>"),
            p => p.Contains("outside the viewBox"));
    }

    /// <summary>Writes every figure to <c>$RPS_FIGURES</c> (bench/render-svg.sh sets it) or to a temporary folder.</summary>
    [Fact]
    public void SampleFigures_AreWrittenAsSvgFiles()
    {
        var directory = Environment.GetEnvironmentVariable("RPS_FIGURES") ?? Directory.CreateTempSubdirectory("rps-figures-").FullName;
        Directory.CreateDirectory(directory);
        foreach (var (name, svg) in ReportFigures.All())
            File.WriteAllText(Path.Combine(directory, name + ".svg"), svg);
        Assert.Equal(ReportFigures.All().Count, ReportFigures.All().Count(f => File.Exists(Path.Combine(directory, f.Name + ".svg"))));
    }

    [ChromiumFact]
    public void Figures_RenderInHeadlessChromium()
    {
        var directory = Directory.CreateTempSubdirectory("rps-render-").FullName;
        try
        {
            foreach (var (name, svg) in ReportFigures.All().Where(f => f.Name is "consort-all-sites" or "km-pfs" or "km-reaches-zero"))
            {
                var file = Path.Combine(directory, name + ".svg");
                File.WriteAllText(file, svg);
                var png = Path.Combine(directory, name + ".png");
                Chromium.Screenshot(file, png, directory);
                var bytes = File.ReadAllBytes(png);
                Assert.Equal<byte>([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
                // A page that failed to render is a blank white screenshot of a few kilobytes; a figure is far larger.
                Assert.True(bytes.Length > 20_000, $"{name}.png is only {bytes.Length} bytes: Chromium drew nothing.");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>A fact that needs Debian's Chromium; skipped, with the reason, only where it is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium.Path)) Skip = $"Chromium is not installed at {Chromium.Path} (apt-get install -y chromium); the SVGs are not rendered.";
    }
}

internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>The command line of bench/render-svg.sh: headless, no network, no profile left behind.</summary>
    public static void Screenshot(string svg, string png, string workDirectory)
    {
        var profile = Directory.CreateTempSubdirectory("rps-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(Path)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                WorkingDirectory = workDirectory,
            };
            foreach (var argument in new[]
                     {
                         "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", $"--screenshot={png}", "--window-size=1000,800",
                         "file://" + svg,
                     })
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not render {svg} within 60 s.");
            }
            Assert.True(File.Exists(png), $"Chromium wrote no {png} (exit {process.ExitCode}): {error.Result}");
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
