using Microsoft.ML.Autoencoders.Kernels;
using Microsoft.ML.Autoencoders.Layers;
using Microsoft.ML.Autoencoders.Numerics;
using Microsoft.ML.Autoencoders.Onnx;
using Microsoft.ML.Autoencoders.Training;

namespace Microsoft.ML.Autoencoders.Networks;

/// <summary>
/// One member of the autoencoder family as a stack of <see cref="ITensorLayer"/>s over one flat parameter vector, the layer at
/// <see cref="CodeLayer"/> giving the code. Stateless: parameters and buffers are passed in, so one network serves a trainer and any number of
/// concurrent inference calls. The trainer, the model, the model file and the ONNX export all work through this type; what differs between
/// members (the training pass, how the code layer's output becomes the code, the score, the file's family fields) is a virtual member here.
/// <see cref="AutoencoderMembers"/> says which network an <see cref="AutoencoderArchitecture"/> gets.
/// </summary>
internal abstract class AutoencoderNetwork
{
    /// <param name="architecture">The description this network was built from.</param>
    /// <param name="layers">The layers, input first; each one's parameters at its offset, in order, with no gaps.</param>
    /// <param name="codeLayer">The index of the layer whose output is the code (or, for a variational network, the code's mean and log-variance).</param>
    protected AutoencoderNetwork(AutoencoderArchitecture architecture, IReadOnlyList<ITensorLayer> layers, int codeLayer)
    {
        Architecture = architecture;
        Layers = layers;
        CodeLayer = codeLayer;
        ParameterCount = layers.Sum(layer => layer.ParameterCount);
        MaxWidth = layers.Max(layer => Math.Max(layer.InputSize, layer.OutputSize));
    }

    /// <summary>The description this network was built from.</summary>
    public AutoencoderArchitecture Architecture { get; }

    /// <summary>The layers, input first.</summary>
    public IReadOnlyList<ITensorLayer> Layers { get; }

    /// <summary>The index of the layer whose output is the code.</summary>
    public int CodeLayer { get; }

    /// <summary>Weights and biases of every layer.</summary>
    public int ParameterCount { get; }

    /// <summary>The widest layer input or output.</summary>
    public int MaxWidth { get; }

    /// <summary>Values of the code layer's output per row: the code size, or more when the code is derived from it (a mean and a log-variance).</summary>
    public virtual int CodeLayerWidth => Architecture.CodeSize;

    /// <summary>Values per row a variational network samples its code into; 0 for the others.</summary>
    public virtual int LatentWidth => 0;

    /// <summary>Whether the score is the mean squared reconstruction error, which error scales may weight; false for a score by likelihood.</summary>
    public virtual bool ScoresByReconstructionError => true;

    /// <summary>What the score is, in words (the ONNX file's metadata says it).</summary>
    public virtual string ScoreDescription => "mean squared error";

    /// <summary>
    /// Why greedy layer-wise pretraining (<see cref="TrainingOptions.LayerwisePretrainingEpochs"/>) cannot start this network, completing
    /// "the network is ...", or null when each encoder layer with its mirrored decoder layer is a shallow autoencoder.
    /// </summary>
    public abstract string? LayerwisePretrainingRefusal { get; }

    /// <summary>Whether training may read NaN as a missing value (a masked loss) rather than refuse it.</summary>
    public virtual bool SupportsMissingValues => false;

    /// <summary>Draws the initial weights (as <paramref name="initialization"/> says) and zeroes the biases, layer after layer.</summary>
    public void Initialize(Span<float> parameters, WeightInitialization initialization, SeededRandom random)
    {
        foreach (ITensorLayer layer in Layers)
        {
            layer.Initialize(parameters, initialization, random);
        }
    }

    /// <summary>The member's loss and gradient for a batch.</summary>
    public abstract ITrainingPass CreateTrainingPass(TrainingPassSetup setup);

    /// <summary>
    /// Throws, naming the option, when <paramref name="options"/> (already in range) ask for what this member cannot do; called by
    /// <see cref="TrainingOptions.Validate(AutoencoderArchitecture)"/>, which checks the rules every member shares.
    /// </summary>
    /// <exception cref="ArgumentException">An option does not suit this member.</exception>
    public abstract void CheckOptions(TrainingOptions options);

    /// <summary>The buffers of one forward (and, <paramref name="forTraining"/>, backward) pass over up to <paramref name="maxRows"/> rows.</summary>
    /// <param name="maxRows">The largest batch.</param>
    /// <param name="forTraining">Allocate the gradient buffers, and keep the pre-activations that backward passes read.</param>
    /// <param name="keepLogits">Keep the last layer's pre-activation (a loss computed on logits needs it).</param>
    public NetworkWorkspace CreateWorkspace(int maxRows, bool forTraining, bool keepLogits)
    {
        var scratch = new LayerScratch[Layers.Count];
        for (int i = 0; i < scratch.Length; i++)
        {
            scratch[i] = Layers[i] is DenseLayer dense
                ? dense.CreateScratch(maxRows, forTraining && ActivationKernels.NeedsInput(dense.Activation) || keepLogits && i == Layers.Count - 1)
                : Layers[i].CreateScratch(maxRows);
        }

        return new NetworkWorkspace(this, maxRows, scratch, forTraining);
    }

    /// <summary>
    /// Runs layers [<paramref name="first"/>, <paramref name="end"/>) on <paramref name="rows"/> rows for training or validation, each layer's
    /// output into the workspace; returns the last output.
    /// </summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, NetworkWorkspace workspace, int first, int end)
    {
        ReadOnlySpan<float> x = input;
        for (int i = first; i < end; i++)
        {
            Span<float> output = workspace.Outputs[i][..(rows * Layers[i].OutputSize)];
            Layers[i].Forward(parameters, x, rows, output, workspace.Scratch[i]);
            x = output;
        }

        return x;
    }

    /// <summary>
    /// Backpropagates the gradient in <see cref="NetworkWorkspace.OutputGradient"/> (d loss / d reconstruction) through every layer after a
    /// <see cref="Forward"/> of all of them on <paramref name="input"/>, writing d loss / d parameters into <paramref name="parameterGradients"/>.
    /// </summary>
    public void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, NetworkWorkspace workspace, Span<float> parameterGradients)
    {
        Span<float> gradient = workspace.OutputGradient;
        Span<float> spare = workspace.SpareGradient;
        for (int i = Layers.Count - 1; i >= 0; i--)
        {
            ITensorLayer layer = Layers[i];
            ReadOnlySpan<float> layerInput = i == 0 ? input : workspace.Outputs[i - 1][..(rows * layer.InputSize)];
            layer.Backward(parameters, layerInput, workspace.Outputs[i][..(rows * layer.OutputSize)], rows, gradient, parameterGradients, i == 0 ? default : spare, workspace.Scratch[i]);
            Span<float> swap = gradient;
            gradient = spare;
            spare = swap;
        }
    }

    /// <summary>
    /// Runs layers [<paramref name="first"/>, <paramref name="end"/>) with a trained model's weights (<paramref name="packed"/> by
    /// <see cref="ITensorLayer.PackForInference"/>) and returns the last output. The code goes straight into <paramref name="codes"/> and the
    /// last layer's output into <paramref name="reconstructions"/> when they are not empty; the code layer's output becomes the code through
    /// <see cref="FinishCode"/>.
    /// </summary>
    public ReadOnlySpan<float> Infer(
        PackedMatrix?[] packed, ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, NetworkWorkspace workspace, int first, int end,
        Span<float> codes, Span<float> reconstructions)
    {
        int last = Layers.Count - 1;
        bool codesGoStraight = !codes.IsEmpty && CodeLayerWidth == Architecture.CodeSize;
        ReadOnlySpan<float> x = input;
        for (int i = first; i < end; i++)
        {
            Span<float> output =
                i == CodeLayer && codesGoStraight ? codes
                : i == last && !reconstructions.IsEmpty ? reconstructions
                : workspace.Outputs[i][..(rows * Layers[i].OutputSize)];
            Layers[i].Infer(packed[i], parameters, x, rows, output, workspace.Scratch[i]);
            x = i == CodeLayer ? FinishCode(output, rows, codes, workspace) : output;
        }

        return x;
    }

    /// <summary>
    /// Turns the code layer's output into the code the decoder reads, writing it into <paramref name="codes"/> when it is not empty and not the
    /// output itself. The plain code is the output.
    /// </summary>
    protected virtual ReadOnlySpan<float> FinishCode(Span<float> output, int rows, Span<float> codes, NetworkWorkspace workspace) => output;

    /// <summary>Whether the model file's format version 1, which has no family fields, describes this member: the plain dense network only.</summary>
    public virtual bool FitsFormatVersion1 => false;

    /// <summary>The model file's family flags for this member (format version 2; see <see cref="Models.ModelFile"/>).</summary>
    protected virtual int FileFlags => 0;

    /// <summary>Writes the model file's family fields (format version 2): the flags, the winner-take-all k, and what else the member needs.</summary>
    public virtual void WriteFamilyFields(BinaryWriter writer)
    {
        writer.Write(FileFlags);
        writer.Write(Architecture.WinnerTakeAllK);
    }

    /// <summary>
    /// Replaces the mean squared errors in <paramref name="scores"/> when the member scores otherwise, from the inputs <paramref name="x"/>, the
    /// reconstructions <paramref name="y"/> and the workspace of the <see cref="Infer"/> that made them. The plain score stays.
    /// </summary>
    public virtual void Score(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int rows, NetworkWorkspace workspace, Span<float> scores)
    {
    }

    /// <summary>The ONNX form of <see cref="FinishCode"/>: the code, from the code layer's output. The plain code is the output.</summary>
    public virtual string ExportCode(OnnxGraphBuilder graph, string codeLayerOutput) => codeLayerOutput;

    /// <summary>The ONNX form of <see cref="Score"/>: the row scores from the input, the reconstruction and the code layer's output, or null for the mean squared error.</summary>
    public virtual string? ExportScore(OnnxGraphBuilder graph, string x, string y, string codeLayerOutput) => null;
}
