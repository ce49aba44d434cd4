using EncodeQuality.Decisions.Gates;
using EncodeQuality.Decisions.Ladder;
using EncodeQuality.Model;

namespace EncodeQuality.Decisions;

/// <summary>The quality decisions of an encode run: its gates, then its ladder checks.</summary>
public sealed class Judge(IReadOnlyList<Gate> gates, LadderCheckOptions ladder)
{
    public IReadOnlyList<Check> Decide(RunOutcome run) => [.. GateCheck.Evaluate(gates, run), .. LadderChecks.Evaluate(run, ladder)];
}
