using System.CommandLine;
using EncodeQuality.Cli.Commands;
using EncodeQuality.Metrics;

namespace EncodeQuality.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // eq --version: every component's version, not just eq's (System.CommandLine's own prints one line).
        if (args is ["--version"])
        {
            Console.Out.Write(EncodeQuality.Application.ToolVersions.Text);
            return ExitCodes.Success;
        }
        var root = Tree();
        root.Add(CompletionsCommand.Create(Tree));
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Usage errors: one line each, exit 1.
            foreach (var e in parsed.Errors) Console.Error.WriteLine($"eq: error: {UsageLine(e)}");
            return ExitCodes.InputError;
        }
        // On Ctrl+C the running command is cancelled; give it time to close encoders and delete
        // its temporary files instead of being killed after System.CommandLine's default 2 s.
        // The worker handles SIGTERM and SIGINT itself: its drain may take minutes.
        bool worker = parsed.CommandResult.Command.Name == WorkerCommand.Name;
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = worker ? null : TimeSpan.FromSeconds(30) });
    }

    /// <summary>Every command of eq; the metric catalog is the composition root's, shared by the commands that score.</summary>
    private static RootCommand Tree()
    {
        var catalog = Catalog();
        return new RootCommand("EncodeQuality: video quality measured inside the encoder (x264/x265 recon, PSNR, SSIM, VMAF)")
        {
            EncodeCommand.Create(catalog),
            ScoreCommand.Create(catalog),
            DemoCommand.Create(catalog),
            VmafCommand.Create(catalog),
            StoreCommand.Create(),
            QueryCommand.Create(),
            CompareCommand.Create(),
            QoeCommand.Create(),
            MqaCommand.Create(),
            ReportCommand.Create(),
            DoctorCommand.Create(),
            SubmitCommand.Create(),
            WorkerCommand.Create(Catalog),
        };
    }

    /// <summary>Every metric eq knows; "vmaf" is registered again by each run with its engine and model.</summary>
    private static MetricCatalog Catalog()
    {
        var catalog = MetricCatalog.WithBuiltIns();
        VmafMetric.Register(catalog);
        return catalog;
    }

    private static string Expected(string type)
    {
        string t = System.Text.RegularExpressions.Regex.Match(type, @"^System\.Nullable`1\[(.+)\]$") is { Success: true } n ? n.Groups[1].Value : type;
        return t switch
        {
            "System.Int32" or "System.Int64" or "System.UInt32" or "System.UInt64" or "System.Int16" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            _ => "a value of this option",
        };
    }

    /// <summary>A parse error on one line, naming the option it is about.</summary>
    private static string UsageLine(System.CommandLine.Parsing.ParseError e)
    {
        var option = e.SymbolResult switch
        {
            System.CommandLine.Parsing.OptionResult o => o.Option,
            System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult p } => p.Option,
            _ => null,
        };
        string text = System.Text.RegularExpressions.Regex.Replace(e.Message, @"\s+", " ").Trim();
        // System.CommandLine names the .NET type it wanted ('System.Nullable`1[System.Double]'): say what a user types.
        text = System.Text.RegularExpressions.Regex.Replace(text, @"as expected type '([^']+)'", m => "as " + Expected(m.Groups[1].Value));
        return option is null || text.Contains(option.Name) ? text : $"{option.Name}: {text}";
    }
}
