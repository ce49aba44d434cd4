using System.CommandLine;
using EncodeQuality.Results.Store;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq store import DIR --store S: loads a committed output folder into a store (for a run whose store was down).</summary>
public static class StoreCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "An output folder of eq encode (it holds summary.json)" };
        var store = new Option<string>("--store") { Description = "SQLite file path, or a postgres:// URL or Npgsql connection string", Required = true };
        var replace = new Option<bool>("--replace") { Description = "Load the folder's run even when the store holds a newer run of the same job id" };
        var logJson = SharedOptions.LogJson();
        var verbose = SharedOptions.Verbose();
        var import = new Command("import", "Load a completed output folder into a results store (importing again replaces it).\n\nExample:\n  eq store import out --store eq.db") { dir, store, replace, logJson, verbose };
        import.SetAction((p, ct) => CommandRunner.Run(p.GetValue(logJson), p.GetValue(verbose), log =>
        {
            string folder = p.GetValue(dir)!;
            if (!Directory.Exists(folder)) throw new InputException($"{folder}: no such folder");
            var target = new ResultStore(StoreLocation.Parse(p.GetValue(store)!));
            var run = StoreImport.Import(target, folder, p.GetValue(replace));
            log.Information("Imported run {RunId} ({Renditions} renditions, {Frames} frames) into {Store}",
                run.Run.RunId, run.Renditions.Count, run.Frames, target.Location.Description);
            return Task.CompletedTask;
        }));
        return new Command("store", "Results store tools") { import };
    }
}
