using System.Text;

namespace EncodeQuality.Cli;

/// <summary>
/// A block of lines redrawn in place on a terminal, as FFmpeg and x264 redraw their status line:
/// cursor up over the block drawn last time, then each line followed by "erase to end of line".
/// The lines are ASCII, so a character is a column and no width table is needed; each is cut at the
/// terminal's width so that none wraps and the cursor-up count stays right.
/// </summary>
/// <remarks>It replaced Spectre.Console's live table, whose layout per refresh was the display's whole cost (README, "Usage").</remarks>
public sealed class TerminalLines(TextWriter terminal)
{
    private const string EraseToEnd = "\x1b[K";
    private readonly StringBuilder _frame = new();
    private int _drawn;

    public void Draw(IReadOnlyList<string> lines)
    {
        _frame.Clear();
        if (_drawn > 0) _frame.Append("\x1b[").Append(_drawn).Append('A');
        int width = Width();
        foreach (var line in lines)
        {
            _frame.Append('\r').Append(line, 0, width > 1 ? Math.Min(line.Length, width - 1) : line.Length);
            _frame.Append(EraseToEnd).Append('\n');
        }
        _drawn = lines.Count;
        terminal.Write(_frame);
        terminal.Flush();
    }

    /// <summary>Columns of the terminal, or 0 when it cannot be told.</summary>
    private static int Width()
    {
        try { return Console.WindowWidth; }
        catch (IOException) { return 0; }
        catch (PlatformNotSupportedException) { return 0; }
    }
}
