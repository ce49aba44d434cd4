using System.Globalization;

namespace EncodeQuality.Vmaf.Model;

/// <summary>
/// A libsvm nu-SVR model with the RBF kernel, as libvmaf embeds it in its JSON models:
/// prediction = sum_i coef_i * exp(-gamma * |x - sv_i|^2) - rho. Support vectors are stored
/// dense (libsvm omits zero entries).
/// </summary>
public sealed class SvmModel
{
    private readonly double[] _coefficients;
    private readonly double[] _vectors; // count x dimensions

    private SvmModel(double gamma, double rho, double[] coefficients, double[] vectors, int dimensions)
    {
        Gamma = gamma;
        Rho = rho;
        _coefficients = coefficients;
        _vectors = vectors;
        Dimensions = dimensions;
    }

    public double Gamma { get; }
    public double Rho { get; }
    public int Dimensions { get; }

    public static SvmModel Parse(string text, int dimensions)
    {
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        double gamma = double.NaN, rho = double.NaN;
        int i = 0;
        for (; i < lines.Length && lines[i] != "SV"; i++)
        {
            var parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (parts[0])
            {
                case "svm_type" when parts[1] != "nu_svr" && parts[1] != "epsilon_svr":
                    throw new FormatException($"svm_type {parts[1]} is not a regression model");
                case "kernel_type" when parts[1] != "rbf":
                    throw new FormatException($"kernel_type {parts[1]} is not supported (rbf only)");
                case "gamma" when parts.Length < 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out gamma):
                    throw new FormatException($"libsvm model: gamma is not a number in \"{lines[i]}\"");
                case "rho" when parts.Length < 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out rho):
                    throw new FormatException($"libsvm model: rho is not a number in \"{lines[i]}\"");
            }
        }
        if (i == lines.Length || double.IsNaN(gamma) || double.IsNaN(rho)) throw new FormatException("libsvm model lacks gamma, rho or SV");
        var coefficients = new List<double>();
        var vectors = new List<double>();
        for (i++; i < lines.Length; i++)
        {
            // A support vector line: "coefficient index:value index:value ...".
            var parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string Bad(string why) => $"libsvm model, support vector {coefficients.Count + 1}: {why} in \"{(lines[i].Length > 40 ? lines[i][..40] + "..." : lines[i])}\"";
            if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double coefficient))
                throw new FormatException(Bad($"'{parts[0]}' is not a coefficient"));
            coefficients.Add(coefficient);
            var v = new double[dimensions];
            foreach (var p in parts.Skip(1))
            {
                int colon = p.IndexOf(':');
                if (colon < 1 || !int.TryParse(p.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                    || !double.TryParse(p.AsSpan(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                    throw new FormatException(Bad($"'{p}' is not index:value"));
                if (index < 1 || index > dimensions) throw new FormatException(Bad($"index {index} outside 1..{dimensions}"));
                v[index - 1] = value;
            }
            vectors.AddRange(v);
        }
        return new SvmModel(gamma, rho, coefficients.ToArray(), vectors.ToArray(), dimensions);
    }

    public double Predict(ReadOnlySpan<double> x)
    {
        if (x.Length != Dimensions) throw new ArgumentException($"expected {Dimensions} features, got {x.Length}");
        double sum = 0;
        for (int s = 0; s < _coefficients.Length; s++)
        {
            double d2 = 0;
            int o = s * Dimensions;
            for (int k = 0; k < Dimensions; k++)
            {
                double d = x[k] - _vectors[o + k];
                d2 += d * d;
            }
            sum += _coefficients[s] * Math.Exp(-Gamma * d2);
        }
        return sum - Rho;
    }
}
