using Microsoft.ML.Autoencoders.Members;

namespace Microsoft.ML.Autoencoders.Networks;

/// <summary>
/// The registration of the family's members: which <see cref="AutoencoderNetwork"/> an <see cref="AutoencoderArchitecture"/> is built as. A new
/// member is a folder under Members/ with its network and training pass, plus one line here.
/// </summary>
internal static class AutoencoderMembers
{
    /// <summary>The network <paramref name="architecture"/> describes.</summary>
    public static AutoencoderNetwork Create(AutoencoderArchitecture architecture) =>
        architecture.Convolution is ConvolutionalLayout layout ? new ConvolutionalAutoencoderNetwork(architecture, layout)
        : architecture.IsVariational ? new VariationalNetwork(architecture)
        : architecture.WinnerTakeAllK > 0 ? new WinnerTakeAllNetwork(architecture)
        : new DenseAutoencoderNetwork(architecture);
}
