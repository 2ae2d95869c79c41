using Microsoft.ML.Autoencoders.Classification;
using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Backends;

/// <summary>
/// What a backend is given to start fine-tuning a classifier (<see cref="IClassifierTrainingSession"/>): the encoder's dense layers and the head,
/// their initial parameters, the checked options and the labelled rows. <c>FineTunedClassifier.Train</c> makes it after its checks. Part of the
/// backend contract, version <see cref="TrainingBackend.ContractVersion"/>.
/// </summary>
/// <remarks>
/// The encoder and the head keep their parameters in two flat vectors, each in the engine's layout: <see cref="EncoderLayers"/>' blocks index the
/// encoder's vector (and their <see cref="ParameterBlock.LayerIndex"/> the encoder's layers), <see cref="Head"/>'s blocks the head's vector. The
/// network is <c>x -> f1(x W1 + b1) -> ... -> code</c>, then, while training, inverted dropout of the code at
/// <see cref="ClassifierTrainingOptions.CodeDropoutRate"/>, then the head's logits <c>code Wh + bh</c> (no activation), and the loss is the
/// softmax cross-entropy (<see cref="ClassifierHead.Softmax"/>, one logit per class) or the logistic one (<see cref="ClassifierHead.Logistic"/>,
/// one logit, the probability of class 1), averaged over the batch's rows.
/// </remarks>
public sealed class ClassifierSessionRequest
{
    internal ClassifierSessionRequest(ClassifierNetwork network, float[] encoderParameters, float[] headParameters, ClassifierTrainingOptions options, FeatureMatrix features, int[] labels, SeededRandom random)
    {
        EncoderLayers = network.EncoderLayers.Select((layer, i) => DenseLayerDescription.At(i, layer.InputSize, layer.OutputSize, null, null, layer.Activation, layer.ParameterOffset)).ToArray();
        Head = DenseLayerDescription.At(0, network.Head.InputSize, network.Head.OutputSize, null, null, network.Head.Activation, network.Head.ParameterOffset);
        HeadKind = network.HeadKind;
        ClassCount = network.ClassCount;
        InitialEncoderParameters = encoderParameters;
        InitialHeadParameters = headParameters;
        Options = options;
        Features = features;
        Labels = labels;
        Random = random;
        Network = network;
    }

    /// <summary>The encoder's dense layers, from the input to the code; their blocks index the encoder's parameter vector.</summary>
    public IReadOnlyList<DenseLayerDescription> EncoderLayers { get; }

    /// <summary>The head: a dense layer from the code to the logits, with <see cref="Activation.Identity"/>; its blocks index the head's parameter vector.</summary>
    public DenseLayerDescription Head { get; }

    /// <summary>Softmax (one logit per class, cross-entropy) or logistic (one logit, binary cross-entropy).</summary>
    public ClassifierHead HeadKind { get; }

    /// <summary>Classes: the labels run from 0 to <see cref="ClassCount"/> - 1.</summary>
    public int ClassCount { get; }

    /// <summary>The encoder's initial parameters, in the engine's layout: the pretrained autoencoder's encoder (a variational one's mean half).</summary>
    public ReadOnlyMemory<float> InitialEncoderParameters { get; }

    /// <summary>The head's initial parameters, in the engine's layout: weights drawn from the run's seeded generator, biases zero.</summary>
    public ReadOnlyMemory<float> InitialHeadParameters { get; }

    /// <summary>
    /// How to train, already checked. The session honours <see cref="ClassifierTrainingOptions.WeightDecay"/> (decoupled, on every parameter of
    /// both halves, with the engine's Adam constants), <see cref="ClassifierTrainingOptions.InputMaskingRate"/> (each input value of a training
    /// batch zeroed with that probability, drawn anew each batch) and <see cref="ClassifierTrainingOptions.CodeDropoutRate"/>; its own randomness is
    /// seeded from <see cref="ClassifierTrainingOptions.Seed"/>. The run owns the epochs, shuffles, learning rates and freezing.
    /// </summary>
    public ClassifierTrainingOptions Options { get; }

    /// <summary>The labelled rows, all finite; <see cref="IClassifierTrainingSession.Step"/> indexes them. The session may hold them, or a copy on its device, until it is disposed.</summary>
    public FeatureMatrix Features { get; }

    /// <summary>One class per row of <see cref="Features"/>, each from 0 to <see cref="ClassCount"/> - 1.</summary>
    public ReadOnlyMemory<int> Labels { get; }

    /// <summary>The run's generator, which drew the head and draws the shuffles: the engine's session draws its masks from it too, so a seed repeats a run bit for bit.</summary>
    internal SeededRandom Random { get; }

    /// <summary>The engine's network that <see cref="EncoderLayers"/> and <see cref="Head"/> describe.</summary>
    internal ClassifierNetwork Network { get; }
}
