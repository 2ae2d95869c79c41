using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Persistence;

/// <summary>
/// What a <see cref="FineTunedClassifierTransformer"/> needs beside its classifier, as <c>segment-N.json</c> of a pipeline file: the feature
/// column, the class names and the type of the label key's values they stand for (see <see cref="Schema.ClassNames"/>).
/// </summary>
internal sealed record ClassifierSettings(string FeatureColumnName, string[] ClassNames, string ClassNameType)
{
    /// <summary>The extension of the entry holding the classifier's own file.</summary>
    public const string NetworkExtension = ".mlcl";

    /// <summary>The settings of <paramref name="transformer"/>.</summary>
    public static ClassifierSettings Of(FineTunedClassifierTransformer transformer) => 
        new(transformer.FeatureColumnName, transformer.ClassNames.ToArray(), Schema.ClassNames.NameOf(transformer.ClassNameType));

    /// <summary>The transformer these settings describe around <paramref name="classifier"/>.</summary>
    /// <exception cref="InvalidDataException">The settings are not valid for the classifier.</exception>
    public FineTunedClassifierTransformer ToTransformer(FineTunedClassifier classifier, string entry)
    {
        try
        {
            PrimitiveDataViewType type = Schema.ClassNames.TypeNamed(ClassNameType)
                ?? throw new InvalidDataException($"The pipeline file's entry \"{entry}\" names the class name type \"{ClassNameType}\", which this version does not read.");
            return new FineTunedClassifierTransformer(classifier, FeatureColumnName, ClassNames, type);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The pipeline file's entry \"{entry}\" holds invalid classifier settings: {e.Message}", e);
        }
    }
}
