using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace RpsServerless.Core.Reports;

/// <summary>
/// The small vocabulary the report figures are drawn with. Elements are built with System.Xml.Linq, so every text
/// (site names with <c>'</c> or <c>&amp;</c>, free-text reasons) is escaped by the XML writer, never by hand.
/// </summary>
internal static class Svg
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    // Fonts present on Debian (DejaVu) first, then the usual office fonts; widths are estimated for DejaVu Sans, the
    // widest of them, so text laid out here never runs wider than its box.
    public const string FontFamily = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";

    public const string Ink = "#1a1a1a";
    public const string Muted = "#555555";

    /// <summary>The root element: fixed width and height in px, a matching viewBox, a title for screen readers.</summary>
    public static XElement Document(double width, double height, string title, IEnumerable<XElement> content) =>
        new(Ns + "svg",
            new XAttribute("width", Number(width)),
            new XAttribute("height", Number(height)),
            new XAttribute("viewBox", $"0 0 {Number(width)} {Number(height)}"),
            new XAttribute("font-family", FontFamily),
            new XAttribute("fill", Ink),
            new XElement(Ns + "title", title),
            new XElement(Ns + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "#ffffff")),
            content);

    public static string Serialise(XElement root)
    {
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, NewLineChars = "\n" };
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = XmlWriter.Create(text, settings)) root.WriteTo(writer);
        // StringWriter reports UTF-16; the figure is served and saved as UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    public static XElement Text(double x, double y, string text, double size, string anchor = "start",
        string? weight = null, string? fill = null, string? style = null)
    {
        var element = new XElement(Ns + "text",
            new XAttribute("x", Number(x)), new XAttribute("y", Number(y)),
            new XAttribute("font-size", Number(size)), text);
        if (anchor != "start") element.Add(new XAttribute("text-anchor", anchor));
        if (weight is not null) element.Add(new XAttribute("font-weight", weight));
        if (fill is not null) element.Add(new XAttribute("fill", fill));
        if (style is not null) element.Add(new XAttribute("font-style", style));
        return element;
    }

    public static XElement Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null)
    {
        var line = new XElement(Ns + "line",
            new XAttribute("x1", Number(x1)), new XAttribute("y1", Number(y1)),
            new XAttribute("x2", Number(x2)), new XAttribute("y2", Number(y2)),
            new XAttribute("stroke", stroke), new XAttribute("stroke-width", Number(width)));
        if (dash is not null) line.Add(new XAttribute("stroke-dasharray", dash));
        return line;
    }

    public static XElement Rect(double x, double y, double width, double height, string stroke, string fill, double radius = 0)
    {
        var rect = new XElement(Ns + "rect",
            new XAttribute("x", Number(x)), new XAttribute("y", Number(y)),
            new XAttribute("width", Number(width)), new XAttribute("height", Number(height)),
            new XAttribute("stroke", stroke), new XAttribute("fill", fill));
        if (radius > 0) rect.Add(new XAttribute("rx", Number(radius)));
        return rect;
    }

    public static XElement Path(string data, string stroke, double width, string? dash = null, string fill = "none")
    {
        var path = new XElement(Ns + "path", new XAttribute("d", data), new XAttribute("stroke", stroke),
            new XAttribute("stroke-width", Number(width)), new XAttribute("fill", fill),
            new XAttribute("stroke-linejoin", "miter"));
        if (dash is not null) path.Add(new XAttribute("stroke-dasharray", dash));
        return path;
    }

    /// <summary>A downward or sideways arrow: a line and a filled head at (x2, y2).</summary>
    public static IEnumerable<XElement> Arrow(double x1, double y1, double x2, double y2)
    {
        yield return Line(x1, y1, x2, y2, Ink, 1.4);
        var angle = Math.Atan2(y2 - y1, x2 - x1);
        const double length = 9, half = 4.5;
        double bx = x2 - length * Math.Cos(angle), by = y2 - length * Math.Sin(angle);
        double px = -Math.Sin(angle) * half, py = Math.Cos(angle) * half;
        yield return new XElement(Ns + "path",
            new XAttribute("d", $"M{Number(x2)},{Number(y2)} L{Number(bx + px)},{Number(by + py)} L{Number(bx - px)},{Number(by - py)} Z"),
            new XAttribute("fill", Ink));
    }

    /// <summary>Coordinates with at most two decimals, in the invariant culture.</summary>
    public static string Number(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>
    /// The width a text takes in DejaVu Sans at <paramref name="size"/> px, estimated per character class and rounded
    /// up: layout only needs to know that a text fits, never its exact width.
    /// </summary>
    public static double TextWidth(string text, double size)
    {
        double em = 0;
        foreach (var c in text)
            em += c switch
            {
                ' ' or '\u00A0' => 0.32,
                'i' or 'l' or 'j' or 'I' or '.' or ',' or ':' or ';' or '\'' or '|' or '!' or '(' or ')' or '[' or ']' => 0.34,
                'f' or 't' or 'r' => 0.42,
                'm' or 'w' or 'M' or 'W' or '—' or '%' or '@' => 0.92,
                >= 'A' and <= 'Z' => 0.72,
                >= '0' and <= '9' => 0.64,
                < (char)128 => 0.6,
                // CJK and other wide scripts.
                _ => 1.0,
            };
        return em * size;
    }

    /// <summary>Breaks <paramref name="text"/> at spaces into lines no wider than <paramref name="width"/>; a word
    /// longer than the width is cut with an ellipsis rather than run out of its box.</summary>
    public static IReadOnlyList<string> Wrap(string text, double size, double width)
    {
        var lines = new List<string>();
        var current = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (TextWidth(candidate, size) <= width) { current = candidate; continue; }
            if (current.Length > 0) lines.Add(current);
            current = Fit(word, size, width);
        }
        if (current.Length > 0 || lines.Count == 0) lines.Add(current);
        return lines;
    }

    /// <summary><paramref name="text"/>, cut with an ellipsis where it is wider than <paramref name="width"/>.</summary>
    public static string Fit(string text, double size, double width)
    {
        if (TextWidth(text, size) <= width) return text;
        var length = text.Length;
        while (length > 1 && TextWidth(text[..length] + "…", size) > width) length--;
        return text[..length] + "…";
    }
}

/// <summary>
/// Checks a figure the way a browser and a PDF converter will need it: well-formed XML, an <c>svg</c> root in the SVG
/// namespace with a numeric width, height and viewBox, and every unrotated text inside the viewBox (a text that runs
/// past the edge is clipped in print).
/// </summary>
public static class SvgCheck
{
    /// <summary>What is wrong with <paramref name="svg"/>; empty when nothing is.</summary>
    public static IReadOnlyList<string> Problems(string svg)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(svg);
        }
        catch (XmlException e)
        {
            return [$"Not well-formed XML: {e.Message}"];
        }

        var problems = new List<string>();
        var root = document.Root!;
        if (root.Name != Svg.Ns + "svg") problems.Add($"The root is {root.Name}, not svg in the namespace {Svg.Ns}.");
        var width = Positive(root, "width", problems);
        var height = Positive(root, "height", problems);
        var viewBox = ((string?)root.Attribute("viewBox"))?.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        double[] box = [];
        if (viewBox is null) problems.Add("The root has no viewBox.");
        else if (viewBox.Length != 4 || !viewBox.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            problems.Add($"The viewBox '{root.Attribute("viewBox")!.Value}' is not four numbers.");
        else box = viewBox.Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        foreach (var element in root.DescendantsAndSelf().Where(e => e.Name.Namespace != Svg.Ns))
            problems.Add($"Element {element.Name} is outside the SVG namespace.");
        if (box.Length == 4 && width is not null && height is not null) CheckTextsInside(root, box, problems);
        return problems;
    }

    private static double? Positive(XElement root, string name, List<string> problems)
    {
        var text = (string?)root.Attribute(name);
        if (text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0)
            return value;
        problems.Add($"The root's {name} is {(text is null ? "missing" : $"'{text}', not a positive number of px")}.");
        return null;
    }

    private static void CheckTextsInside(XElement root, double[] box, List<string> problems)
    {
        double left = box[0], top = box[1], right = box[0] + box[2], bottom = box[1] + box[3];
        foreach (var text in root.Descendants(Svg.Ns + "text"))
        {
            if (text.AncestorsAndSelf().Any(e => e.Attribute("transform") is not null)) continue;
            if (!TryNumber(text, "x", out var x) || !TryNumber(text, "y", out var y) || !TryNumber(text, "font-size", out var size)) continue;
            var width = Svg.TextWidth(text.Value, size);
            var start = (string?)text.Attribute("text-anchor") switch
            {
                "middle" => x - width / 2,
                "end" => x - width,
                _ => x,
            };
            if (start < left - 0.5 || start + width > right + 0.5 || y - size * 0.8 < top - 0.5 || y + size * 0.25 > bottom + 0.5)
                problems.Add($"The text '{text.Value}' at ({x}, {y}) runs outside the viewBox.");
        }
    }

    private static bool TryNumber(XElement element, string name, out double value)
    {
        value = 0;
        var text = (string?)element.Attribute(name) ?? (string?)element.Ancestors().Select(a => a.Attribute(name)).FirstOrDefault(a => a is not null);
        return text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
