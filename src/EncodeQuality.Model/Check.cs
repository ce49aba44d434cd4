namespace EncodeQuality.Model;

public enum CheckResult { Passed, Failed, Skipped }

/// <summary>
/// One quality decision about a run, as results record it: a gate or a ladder check (Kind), the
/// rule as the user reads it, the rendition and score-at mode it was measured on, what was
/// measured against what was required, and whether a failure fails the run (Fatal) or warns.
/// </summary>
public sealed record Check(string Kind, string Rule, string? Rendition, ScoreAt? Mode, double? Measured, double? Required,
    CheckResult Result, bool Fatal, string Message);
