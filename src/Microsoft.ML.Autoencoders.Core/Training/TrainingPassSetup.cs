using Microsoft.ML.Autoencoders.Numerics;

namespace Microsoft.ML.Autoencoders.Training;

/// <summary>What a member's <see cref="ITrainingPass"/> is made from.</summary>
/// <param name="Options">The validated options.</param>
/// <param name="Random">The run's generator, for dropout and sampling.</param>
/// <param name="MaxRows">The largest batch.</param>
/// <param name="MissingValues">Whether NaN in a row marks a missing value (a masked loss) rather than being an error.</param>
/// <param name="GuessRounds">With <paramref name="MissingValues"/>: each batch's unseen values take the network's own guesses 0 to this many times, as imputation's later rounds do.</param>
internal sealed record TrainingPassSetup(TrainingOptions Options, SeededRandom Random, int MaxRows, bool MissingValues, int GuessRounds);
