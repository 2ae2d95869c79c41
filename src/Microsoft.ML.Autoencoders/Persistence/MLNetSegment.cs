using System.IO.Compression;
using System.Reflection;
using Microsoft.ML.Data;

namespace Microsoft.ML.Autoencoders.Persistence;

/// <summary>
/// A run of ML.NET transformers as the pipeline file stores it: a zip archive written by <c>mlContext.Model.Save</c>,
/// with the time of writing taken out of it (ML.NET stamps every entry with the current time; what it writes in them is
/// the same for the same transformers and schema). Loading checks every entry of that archive against its CRC-32 before ML.NET reads it, and turns what ML.NET throws
/// for a model it cannot read into <see cref="InvalidDataException"/>.
/// </summary>
/// <remarks>
/// The check comes first because ML.NET 5.0.1 does not survive every damaged model: its <c>Utils.ReadBinaryDataIntoSpan</c>
/// loops for ever when a damaged array length runs past the end of an entry. Fuzzing ML.NET's loader with damaged
/// segments, it threw <see cref="FormatException"/> (a header or zip it cannot decode), <see cref="InvalidOperationException"/>
/// (a version or component it refuses), <see cref="InvalidDataException"/> (a zip entry it cannot decompress),
/// <see cref="EndOfStreamException"/>, <see cref="FileNotFoundException"/> and <see cref="FileLoadException"/> (it loads the
/// assembly a model names, so a damaged name is an assembly that does not exist), <see cref="ArgumentException"/>
/// (<see cref="System.Globalization.CultureNotFoundException"/>, from the same name), each possibly inside
/// <see cref="TargetInvocationException"/>s, as it builds components by reflection.
/// </remarks>
internal static class MLNetSegment
{
    /// <summary>The bytes of <paramref name="transformers"/> saved by ML.NET for input of schema <paramref name="schema"/>, every entry stamped <see cref="ZipEntries.Timestamp"/>.</summary>
    public static byte[] Save(MLContext mlContext, ITransformer[] transformers, DataViewSchema schema, CompressionLevel level)
    {
        using var buffer = new MemoryStream();
        mlContext.Model.Save(new TransformerChain<ITransformer>(transformers), schema, buffer);
        return ZipEntries.Restamp(buffer.ToArray(), level);
    }

    /// <summary>Loads the ML.NET model in <paramref name="bytes"/>, the pipeline file's entry <paramref name="entry"/>.</summary>
    /// <exception cref="InvalidDataException">The entry is damaged: not a zip archive, an entry failing its CRC-32, or a model ML.NET cannot read.</exception>
    public static ITransformer Load(MLContext mlContext, byte[] bytes, string entry, out DataViewSchema schema)
    {
        ZipEntries.CheckAll(bytes, $"The pipeline file's entry \"{entry}\"");
        try
        {
            return mlContext.Model.Load(new MemoryStream(bytes, writable: false), out schema);
        }
        catch (Exception e) when (IsDamage(e))
        {
            Exception cause = e;
            while (cause.InnerException != null)
            {
                cause = cause.InnerException;
            }

            throw new InvalidDataException($"The pipeline file's entry \"{entry}\" is damaged: ML.NET cannot load the model it holds ({cause.GetType().Name}: {cause.Message})", e);
        }
    }

    /// <summary>
    /// Whether ML.NET threw <paramref name="e"/> because the model it read is damaged: one of the types listed in the
    /// remarks of <see cref="MLNetSegment"/>, or their kin for malformed input, with neither cancellation nor exhausted
    /// memory anywhere in its chain of inner exceptions.
    /// </summary>
    private static bool IsDamage(Exception e)
    {
        for (Exception? inner = e; inner != null; inner = inner.InnerException)
        {
            if (inner is OperationCanceledException or OutOfMemoryException or ThreadInterruptedException)
            {
                return false;
            }
        }

        while (e is TargetInvocationException { InnerException: { } inner })
        {
            e = inner;
        }

        return e is FormatException or InvalidOperationException or InvalidDataException or EndOfStreamException
            or FileNotFoundException or FileLoadException or ArgumentException or IndexOutOfRangeException
            or OverflowException or InvalidCastException or KeyNotFoundException;
    }
}
