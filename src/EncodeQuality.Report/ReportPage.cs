using System.Reflection;
using System.Text;

namespace EncodeQuality.Report;

/// <summary>
/// The page every report is: inline style, uPlot, the report's data as JSON, the helpers every
/// page shares (common.js) and the script that draws this kind of page. Nothing is fetched when it opens. Written under a temporary name and renamed, so a
/// failed write leaves no half page.
/// </summary>
internal static class ReportPage
{
    public static void Write(string path, string title, string dataJson, string script = "report.js")
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n");
        html.Append("<title>").Append(System.Net.WebUtility.HtmlEncode(title)).Append("</title>\n");
        html.Append("<style>\n").Append(Resource("uPlot.min.css")).Append('\n').Append(Resource("report.css")).Append("</style>\n");
        html.Append("</head>\n<body>\n<main id=\"report\"></main>\n");
        // The data block is JSON; System.Text.Json escapes '<', so it cannot close its script element.
        html.Append("<script type=\"application/json\" id=\"eq-data\">").Append(dataJson).Append("</script>\n");
        html.Append("<script>\n").Append(Resource("uPlot.iife.min.js")).Append("\n</script>\n");
        html.Append("<script>\n").Append(Resource("common.js")).Append('\n').Append(Resource(script)).Append("\n</script>\n</body>\n</html>\n");
        string full = Path.GetFullPath(path);
        string temp = Results.Files.OutputFolder.TempPathBeside(full);
        File.WriteAllText(temp, html.ToString(), new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }

    private static string Resource(string name)
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the report resource {name} is not in the build");
        using var r = new StreamReader(s, Encoding.UTF8);
        return r.ReadToEnd();
    }
}
