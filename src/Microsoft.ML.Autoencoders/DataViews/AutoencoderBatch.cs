using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>Rows of features read ahead, and the outputs the model computes for them in one call: only those of the active roles.</summary>
internal sealed class AutoencoderBatch : RowBatch
{
    private readonly AutoencoderModel _model;
    private readonly OutputRole[] _roles;
    private readonly float _threshold;
    private readonly int _codeSize;
    private readonly float[] _codes;
    private readonly float[] _reconstructions;
    private readonly float[] _scores;
    private readonly float[] _errors;

    public AutoencoderBatch(AutoencoderBinding binding, DataViewRow input, RoleSet roles, int capacity)
        : base(input, binding.SourceColumn, binding.Transformer.Model.InputSize, capacity)
    {
        _model = binding.Transformer.Model;
        _roles = binding.Roles;
        _threshold = binding.Transformer.Threshold;
        _codeSize = _model.CodeSize;
        _codes = roles.Contains(OutputRole.Encoded) ? new float[capacity * _codeSize] : [];
        _reconstructions = roles.Contains(OutputRole.Reconstruction) ? new float[capacity * Size] : [];
        _scores = roles.Contains(OutputRole.Score) || roles.Contains(OutputRole.PredictedLabel) ? new float[capacity] : [];
        _errors = roles.Contains(OutputRole.FeatureErrors) ? new float[capacity * Size] : [];
    }

    /// <inheritdoc/>
    public override void Compute(int rows)
    {
        _model.Run(
            Source.AsSpan(0, rows * Size),
            _codes.AsSpan(0, _codes.Length == 0 ? 0 : rows * _codeSize),
            _reconstructions.AsSpan(0, _reconstructions.Length == 0 ? 0 : rows * Size),
            _scores.AsSpan(0, _scores.Length == 0 ? 0 : rows),
            _errors.AsSpan(0, _errors.Length == 0 ? 0 : rows * Size));
    }

    /// <inheritdoc/>
    public override Delegate CreateGetter(int added, Func<int> slot)
    {
        switch (_roles[added])
        {
            case OutputRole.Encoded:
                return Vector(_codes, _codeSize, slot);
            case OutputRole.Reconstruction:
                return Vector(_reconstructions, Size, slot);
            case OutputRole.FeatureErrors:
                return Vector(_errors, Size, slot);
            case OutputRole.Score:
                return (ValueGetter<float>)((ref float value) => value = _scores[slot()]);
            default:
                // Rows the model cannot use score AutoencoderModel.UnusableRowScore (float.MaxValue), so every lower threshold flags them.
                float threshold = _threshold;
                return (ValueGetter<bool>)((ref bool value) => value = _scores[slot()] > threshold);
        }
    }
}
