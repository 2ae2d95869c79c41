using Microsoft.ML.Autoencoders.Benchmarks;

switch (args.FirstOrDefault())
{
    case "train":
        return TrainingBenchmark.Run(args[1..]);
    case "quality":
        return QualityBenchmark.Run(args[1..]);
    case "stacked":
        return StackedBenchmark.Run(args[1..]);
    case "quality-tabular":
        return TabularQualityBenchmark.Run(args[1..]);
    case "gemm":
        GemmBenchmark.Run();
        return 0;
    default:
        Console.Error.WriteLine("usage: Microsoft.ML.Autoencoders.Benchmarks train [--data DIR] [--python PATH] [--limit N] [--rounds R] | gemm | quality [--epochs N] [--members plain,denoising,vae] [--classes 0,1,...] [--no-peer] | stacked [--epochs N] [--pretrain N] [--seeds N] [--rows N] [--data DIR] | quality-tabular [--seeds N] [--tables Ionosphere,...] [--variants scaled,...] [--work DIR] [--python PATH]");
        return 2;
}
