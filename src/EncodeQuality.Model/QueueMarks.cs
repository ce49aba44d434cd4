namespace EncodeQuality.Model;

/// <summary>
/// Capacities and high-water marks of a rung's queues, and frames its pools created.
/// <paramref name="LookaheadBeyond"/>: the most references held beyond the lookahead capacity,
/// non-zero only when the encoder held more frames than its delay; <paramref name="ReorderCapacity"/>
/// is then the window the reorder ring grew to.
/// </summary>
public readonly record struct QueueMarks(int EncoderMaxDelay, int LookaheadCapacity, int LookaheadHighWater, int LookaheadBeyond,
    int ReorderCapacity, int ReorderHighWater, int EncoderHighWater, int MaxRungFrames, int RungFramesAllocated);
