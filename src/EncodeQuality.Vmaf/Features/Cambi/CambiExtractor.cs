namespace EncodeQuality.Vmaf.Features.Cambi;

/// <summary>
/// CAMBI as a feature a VMAF model reads ("Cambi_feature_cambi_score", logged as "cambi" plus the
/// options' suffix, as VMAF v1's models ask for it): the distorted picture's banding, and with
/// full_ref the source's and their difference. Not temporal: each scored frame alone.
/// </summary>
internal sealed class CambiExtractor : IFeatureExtractor
{
    public static readonly FeatureExtractors.Entry Entry = new("cambi", false,
        ["Cambi_feature_cambi_score"],
        CambiOptions.Specs,
        (c, o) => new CambiExtractor(c.Width, c.Height, o),
        _ => "cambi",
        WorkingSet,
        TooSmall: (w, h, _) => w < CambiScorer.MinimumSide && h < CambiScorer.MinimumSide
            ? $"CAMBI needs a picture at least {CambiScorer.MinimumSide} pixels wide or high, got {w}x{h}" : null,
        ReadsReference: o => CambiOptions.Settings(o).FullReference) { Metric = "cambi" };

    private readonly CambiSettings _settings;
    private readonly CambiScorer _distorted;
    private readonly CambiScorer? _source;
    private readonly string[] _names;

    public CambiExtractor(int width, int height, FeatureOptions options)
    {
        _settings = CambiOptions.Settings(options);
        _distorted = new CambiScorer(width, height, _settings.EncWidth, _settings.EncHeight, _settings.EncBitDepth, _settings);
        if (_settings.FullReference)
            _source = new CambiScorer(width, height, _settings.SrcWidth, _settings.SrcHeight, _settings.EncBitDepth, _settings);
        _names = _settings.FeatureNames(options.Suffix);
    }

    public IReadOnlyList<string> Features => _names;

    /// <summary>The scorers' buffers: one, or two with full_ref.</summary>
    public static long WorkingSet(int width, int height, FeatureOptions options) =>
        CambiOptions.Settings(options) is var s ? CambiScorer.WorkingSet(width, height, s) * (s.FullReference ? 2 : 1) : 0;

    public void Extract(long index, FramePair frame, bool score, FeatureBoard board)
    {
        if (!score) return;
        double distorted = _distorted.Score(frame.Distorted, frame.Width, frame.BitDepth);
        board.Set(index, _names[0], distorted);
        if (_source is null) return;
        double source = _source.Score(frame.Reference, frame.Width, frame.BitDepth);
        board.Set(index, _names[1], source);
        board.Set(index, _names[2], _settings.FullReferenceScore(distorted, source));
    }
}
