using Microsoft.ML.Autoencoders.Benchmarks;

switch (args.FirstOrDefault())
{
    case "gemm":
        GemmBenchmark.Run();
        break;
    default:
        Console.Error.WriteLine("usage: Microsoft.ML.Autoencoders.Benchmarks gemm");
        return 2;
}

return 0;
