using System.CommandLine;
using System.Text;

namespace EncodeQuality.Cli.Commands;

/// <summary>eq completions bash|zsh|fish: a completion script made from the command tree itself, so it never goes stale.</summary>
public static class CompletionsCommand
{
    public static Command Create(Func<RootCommand> tree)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var cmd = new Command("completions", "Print a shell completion script.\n\nExample:\n  eq completions bash > /etc/bash_completion.d/eq") { shell };
        cmd.SetAction(p =>
        {
            var root = tree();
            var commands = Leaves(root, "").ToList();
            Console.Out.Write(p.GetValue(shell) switch
            {
                "bash" => Bash(commands),
                "zsh" => "autoload -U bashcompinit && bashcompinit\n" + Bash(commands),
                _ => Fish(commands),
            });
            return ExitCodes.Success;
        });
        return cmd;
    }

    /// <summary>Every command that runs, by its words after "eq", with its options.</summary>
    private static IEnumerable<(string Words, Command Command)> Leaves(Command c, string prefix)
    {
        foreach (var sub in c.Subcommands)
        {
            string words = (prefix + " " + sub.Name).Trim();
            yield return (words, sub);
            foreach (var deeper in Leaves(sub, words)) yield return deeper;
        }
    }

    private static IEnumerable<string> Options(Command c) =>
        c.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith('-')).Distinct();

    private static string Bash(List<(string Words, Command Command)> commands)
    {
        var sb = new StringBuilder("# eq completions for bash (eq completions bash)\n_eq() {\n  local cur words\n  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n");
        sb.Append("  words=\"${COMP_WORDS[*]:1:COMP_CWORD-1}\"\n  case \"$words\" in\n");
        foreach (var (w, c) in commands.OrderByDescending(x => x.Words.Length))
        {
            string subs = string.Join(' ', c.Subcommands.Select(s => s.Name));
            sb.Append($"    \"{w}\"*) COMPREPLY=($(compgen -W \"{subs} {string.Join(' ', Options(c))}\" -f -- \"$cur\")) ;;\n");
        }
        sb.Append($"    *) COMPREPLY=($(compgen -W \"{string.Join(' ', commands.Where(x => !x.Words.Contains(' ')).Select(x => x.Words))} --version --help\" -- \"$cur\")) ;;\n");
        sb.Append("  esac\n}\ncomplete -o default -F _eq eq\n");
        return sb.ToString();
    }

    private static string Fish(List<(string Words, Command Command)> commands)
    {
        var sb = new StringBuilder("# eq completions for fish (eq completions fish)\n");
        foreach (var (w, c) in commands.Where(x => !x.Words.Contains(' ')))
            sb.Append($"complete -c eq -n '__fish_use_subcommand' -a {w} -d '{FirstLine(c.Description)}'\n");
        foreach (var (w, c) in commands)
            foreach (var o in c.Options.Where(o => !o.Hidden && o.Name.StartsWith("--")))
                sb.Append($"complete -c eq -n '__fish_seen_subcommand_from {w.Split(' ')[^1]}' -l {o.Name[2..]} -d '{FirstLine(o.Description)}'\n");
        return sb.ToString();
    }

    private static string FirstLine(string? s) => (s ?? "").Split('\n')[0].Replace("'", "\\'");
}
