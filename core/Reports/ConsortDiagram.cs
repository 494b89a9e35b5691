using System.Globalization;
using System.Xml.Linq;

namespace RpsServerless.Core.Reports;

/// <summary>
/// <c>GET /api/reports/consort.svg</c>: the CONSORT 2010 flow diagram of a <see cref="ConsortFlow"/>: enrolment with
/// the exclusions and their reasons, allocation, follow-up and analysis, one column per arm under its protocol label,
/// at A4 width.
/// </summary>
public static class ConsortDiagram
{
    private const double Width = 960;
    private const double Margin = 24;
    private const double FontSize = 12.5;
    private const double LineHeight = 17;
    private const double Padding = 9;
    private const double Gap = 22;
    private const double BandHeight = 24;
    private const string BoxFill = "#ffffff";
    private const string BandFill = "#dbe8f6";
    private const string BandStroke = "#7da3cf";

    private enum Tone { Normal, Bold, Note }

    /// <summary>One line of a box before wrapping: its text, indent level and tone.</summary>
    private sealed record Entry(string Text, int Level = 0, Tone Tone = Tone.Normal);

    public static string Render(ConsortFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var content = new List<XElement>();
        var centre = Width / 2;

        content.Add(Svg.Text(Margin, 30, "CONSORT 2010 flow diagram", 19, weight: "bold"));
        var scope = flow.SiteId is null ? "All sites" : $"Site {flow.SiteId} · {flow.SiteName}";
        content.Add(Svg.Text(Margin, 52, Svg.Fit(
            $"{scope} · protocol {flow.ProtocolVersion} · data cut {flow.DataCutAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC",
            12.5, Width - 2 * Margin), 12.5, fill: Svg.Muted));

        // Enrolment: the assessed box, the exclusions to the right of the main line, the allocated box under both.
        var y = 68.0;
        y = Band(content, y, "Enrollment");
        const double mainWidth = 300;
        var mainLeft = centre - mainWidth / 2 - 150;
        var mainCentre = mainLeft + mainWidth / 2;
        var assessed = Box(content, mainLeft, y, mainWidth, [new($"Assessed for eligibility {N(flow.AssessedForEligibility)}", Tone: Tone.Bold)]);
        var excludedLeft = mainCentre + 70;
        var excludedTop = assessed + Gap;
        var excluded = Box(content, excludedLeft, excludedTop, Width - Margin - excludedLeft, ExcludedEntries(flow.NotAllocated));
        content.AddRange(Svg.Arrow(mainCentre, excludedTop + 16, excludedLeft, excludedTop + 16));
        var allocatedTop = excluded + Gap;
        content.AddRange(Svg.Arrow(mainCentre, assessed, mainCentre, allocatedTop));
        var allocated = Box(content, mainLeft, allocatedTop, mainWidth, [new($"Allocated {N(flow.Allocated)}", Tone: Tone.Bold)]);

        // One column per arm, under the protocol's labels.
        var columns = Math.Max(flow.Arms.Count, 1);
        var columnGap = 36.0;
        var columnWidth = (Width - 2 * Margin - (columns - 1) * columnGap) / columns;
        double ColumnLeft(int i) => Margin + i * (columnWidth + columnGap);
        double ColumnCentre(int i) => ColumnLeft(i) + columnWidth / 2;

        var bandTop = allocated + Gap;
        content.Add(Svg.Line(mainCentre, allocated, mainCentre, bandTop, Svg.Ink, 1.4));
        y = Band(content, bandTop, "Allocation");
        var rows = new List<Func<ConsortArm, IReadOnlyList<Entry>>>
        {
            AllocationEntries,
            FollowUpEntries,
            AnalysisEntries,
        };
        string[] bandsAfter = ["Follow-up", "Analysis"];
        for (var r = 0; r < rows.Count; r++)
        {
            var top = y + Gap;
            for (var i = 0; i < flow.Arms.Count; i++) content.AddRange(Svg.Arrow(ColumnCentre(i), y, ColumnCentre(i), top));
            var entries = flow.Arms.Select(rows[r]).ToArray();
            var height = entries.Select(e => Measure(e, columnWidth).Count * LineHeight + 2 * Padding).DefaultIfEmpty(0).Max();
            for (var i = 0; i < flow.Arms.Count; i++) Box(content, ColumnLeft(i), top, columnWidth, entries[i], height);
            y = top + height;
            if (r < bandsAfter.Length)
            {
                var next = y + Gap;
                for (var i = 0; i < flow.Arms.Count; i++) content.Add(Svg.Line(ColumnCentre(i), y, ColumnCentre(i), next, Svg.Ink, 1.4));
                y = Band(content, next, bandsAfter[r]);
            }
        }

        y += 26;
        foreach (var line in Svg.Wrap(flow.AnalysisNote, 11.5, Width - 2 * Margin))
        {
            content.Add(Svg.Text(Margin, y, line, 11.5, fill: Svg.Muted));
            y += 16;
        }
        return Svg.Serialise(Svg.Document(Width, y + 8, $"CONSORT flow diagram, {flow.ProtocolVersion}, {scope}", content));
    }

    private static IReadOnlyList<Entry> ExcludedEntries(ConsortNotAllocated excluded)
    {
        var entries = new List<Entry>
        {
            new($"Excluded {N(excluded.Total)}", Tone: Tone.Bold),
            new($"• Not meeting eligibility criteria {N(excluded.Ineligible.Count)}"),
        };
        entries.AddRange(excluded.Ineligible.Criteria.Select(c =>
            new Entry($"{c.Id} {(c.Kind == Protocol.CriterionKind.Inclusion ? "not met" : "met")}: {c.Text.TrimEnd('.')} {N(c.Count)}", 1)));
        entries.Add(new($"• Eligibility not established, screening incomplete {N(excluded.EligibilityNotEstablished.Count)}"));
        entries.AddRange(excluded.EligibilityNotEstablished.Criteria.Select(c =>
            new Entry($"{c.Id} data missing: {c.Text.TrimEnd('.')} {N(c.Count)}", 1)));
        entries.Add(new($"• Eligible, not allocated {N(excluded.EligibleNotAllocated)}"));
        if (excluded.Ineligible.Criteria.Sum(c => c.Count) > excluded.Ineligible.Count)
            entries.Add(new("A screening failing several criteria is counted under each of them.", Tone: Tone.Note));
        return entries;
    }

    private static IReadOnlyList<Entry> AllocationEntries(ConsortArm arm)
    {
        var entries = new List<Entry>
        {
            new($"Allocated to {arm.Label} {N(arm.Allocated)}", Tone: Tone.Bold),
            new($"• Received allocated intervention {N(arm.Intervention.Received)}"),
            new($"• Did not receive allocated intervention {N(arm.Intervention.NotReceived)}"),
        };
        entries.AddRange(arm.Intervention.NotReceivedReasons.Select(r => new Entry($"{r.Reason} {N(r.Count)}", 1)));
        entries.Add(new($"• Not yet known: treatment not yet started or recorded {N(arm.Intervention.NotYetKnown)}"));
        return entries;
    }

    private static IReadOnlyList<Entry> FollowUpEntries(ConsortArm arm)
    {
        var f = arm.FollowUp;
        var entries = new List<Entry> { new($"• Excluded after allocation, final pathology (E02) {N(f.ExcludedAfterAllocation)}") };
        entries.AddRange(f.ExclusionReasons.Select(r => new Entry($"{r.Reason} {N(r.Count)}", 1)));
        entries.Add(new($"• Withdrawn {N(f.Withdrawn)}"));
        entries.AddRange(f.WithdrawalReasons.Select(r => new Entry($"{r.Reason} {N(r.Count)}", 1)));
        entries.Add(new($"• Lost to follow-up {N(f.LostToFollowUp)}"));
        entries.Add(new($"• Allocated in error {N(f.AllocatedInError)}"));
        return entries;
    }

    private static IReadOnlyList<Entry> AnalysisEntries(ConsortArm arm) =>
    [
        new($"Analysed {N(arm.Analysed)}", Tone: Tone.Bold),
        new($"• Excluded from analysis {N(arm.ExcludedFromAnalysis)}"),
        new("Intention-to-treat: all allocated, in the arm allocated", Tone: Tone.Note),
    ];

    // "(n = 3)" with no-break spaces, so that wrapping never leaves the count alone on the next line.
    private static string N(int count) => $"(n\u00A0=\u00A0{count})";

    /// <summary>A phase band across the page; returns its bottom.</summary>
    private static double Band(List<XElement> content, double top, string label)
    {
        content.Add(Svg.Rect(Margin, top, Width - 2 * Margin, BandHeight, BandStroke, BandFill, 6));
        content.Add(Svg.Text(Width / 2, top + 16.5, label, 13.5, anchor: "middle", weight: "bold"));
        return top + BandHeight;
    }

    /// <summary>Draws a box with its wrapped lines; returns its bottom.</summary>
    private static double Box(List<XElement> content, double left, double top, double width, IReadOnlyList<Entry> entries, double? height = null)
    {
        var lines = Measure(entries, width);
        var boxHeight = height ?? lines.Count * LineHeight + 2 * Padding;
        content.Add(Svg.Rect(left, top, width, boxHeight, Svg.Ink, BoxFill));
        var y = top + Padding + FontSize;
        foreach (var (text, x, tone) in lines)
        {
            content.Add(tone switch
            {
                Tone.Bold => Svg.Text(left + x, y, text, FontSize, weight: "bold"),
                Tone.Note => Svg.Text(left + x, y, text, FontSize - 1, fill: Svg.Muted, style: "italic"),
                _ => Svg.Text(left + x, y, text, FontSize),
            });
            y += LineHeight;
        }
        return top + boxHeight;
    }

    // A bulleted line wraps under its text, not under its bullet; a reason is indented under its heading.
    private static List<(string Text, double X, Tone Tone)> Measure(IReadOnlyList<Entry> entries, double width)
    {
        var lines = new List<(string, double, Tone)>();
        foreach (var entry in entries)
        {
            var x = Padding + entry.Level * 14;
            var size = entry.Tone == Tone.Note ? FontSize - 1 : FontSize;
            // A reason under a heading gets a dash, a heading line its bullet; wrapped lines align with the text after it.
            var text = entry.Level > 0 ? "– " + entry.Text : entry.Text;
            var marker = text.StartsWith("• ", StringComparison.Ordinal) || text.StartsWith("– ", StringComparison.Ordinal) ? text[..2] : "";
            var bullet = marker.Length > 0 ? Svg.TextWidth(marker, size) : 0;
            var wrapped = Svg.Wrap(text[marker.Length..], size, width - x - bullet - Padding);
            for (var i = 0; i < wrapped.Count; i++)
                lines.Add(bullet > 0 && i == 0 ? (marker + wrapped[i], x, entry.Tone) : (wrapped[i], x + bullet, entry.Tone));
        }
        return lines;
    }
}
