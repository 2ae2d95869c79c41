using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.DataViews;

/// <summary>
/// One cursor's (or one row's) buffers: up to <see cref="Capacity"/> rows of features read ahead, and the outputs the
/// model computes for them in one call. Getters hand out the values of the row at a slot the owner chooses.
/// </summary>
internal sealed class BatchOutputs
{
    private readonly AutoencoderModel _model;
    private readonly float _threshold;
    private readonly RoleSet _roles;
    private readonly int _inputSize;
    private readonly int _codeSize;
    private readonly float[] _features;
    private readonly float[] _codes;
    private readonly float[] _reconstructions;
    private readonly float[] _scores;
    private readonly float[] _errors;
    private readonly ValueGetter<VBuffer<float>> _featureGetter;
    private VBuffer<float> _row;

    public BatchOutputs(AutoencoderBinding binding, DataViewRow input, RoleSet roles, int capacity)
    {
        _model = binding.Model;
        _threshold = binding.Transformer.Threshold;
        _roles = roles;
        _inputSize = _model.InputSize;
        _codeSize = _model.CodeSize;
        Capacity = capacity;
        _features = new float[capacity * _inputSize];
        _codes = roles.Contains(OutputRole.Encoded) ? new float[capacity * _codeSize] : [];
        _reconstructions = roles.Contains(OutputRole.Reconstruction) ? new float[capacity * _inputSize] : [];
        _scores = roles.Contains(OutputRole.Score) || roles.Contains(OutputRole.PredictedLabel) ? new float[capacity] : [];
        _errors = roles.Contains(OutputRole.FeatureErrors) ? new float[capacity * _inputSize] : [];
        _featureGetter = input.GetGetter<VBuffer<float>>(input.Schema[binding.FeatureColumn.Index]);
    }

    /// <summary>Rows the buffers hold.</summary>
    public int Capacity { get; }

    /// <summary>Reads the input's current row's features into <paramref name="slot"/>.</summary>
    public void ReadFeatures(int slot)
    {
        _featureGetter(ref _row);
        if (_row.Length != _inputSize)
        {
            throw new InvalidOperationException($"A row's feature vector has {_row.Length} values; the schema and the model say {_inputSize}.");
        }

        _row.CopyTo(_features.AsSpan(slot * _inputSize, _inputSize));
    }

    /// <summary>Runs the model once over the first <paramref name="rows"/> slots.</summary>
    public void Compute(int rows)
    {
        _model.Run(
            _features.AsSpan(0, rows * _inputSize),
            _codes.AsSpan(0, _codes.Length == 0 ? 0 : rows * _codeSize),
            _reconstructions.AsSpan(0, _reconstructions.Length == 0 ? 0 : rows * _inputSize),
            _scores.AsSpan(0, _scores.Length == 0 ? 0 : rows),
            _errors.AsSpan(0, _errors.Length == 0 ? 0 : rows * _inputSize));
    }

    /// <summary>A getter for <paramref name="role"/> that reads the slot <paramref name="slot"/> returns.</summary>
    public Delegate CreateGetter(OutputRole role, Func<int> slot)
    {
        switch (role)
        {
            case OutputRole.Encoded:
                return Vector(_codes, _codeSize, slot);
            case OutputRole.Reconstruction:
                return Vector(_reconstructions, _inputSize, slot);
            case OutputRole.FeatureErrors:
                return Vector(_errors, _inputSize, slot);
            case OutputRole.Score:
                return (ValueGetter<float>)((ref float value) => value = _scores[slot()]);
            default:
                // Rows the model cannot use score AutoencoderModel.UnusableRowScore (float.MaxValue), so every lower threshold flags them.
                float threshold = _threshold;
                return (ValueGetter<bool>)((ref bool value) => value = _scores[slot()] > threshold);
        }
    }

    private static ValueGetter<VBuffer<float>> Vector(float[] source, int size, Func<int> slot) =>
        (ref VBuffer<float> value) =>
        {
            int row = slot();
            VBufferEditor<float> editor = VBufferEditor.Create(ref value, size);
            source.AsSpan(row * size, size).CopyTo(editor.Values);
            value = editor.Commit();
        };
}
