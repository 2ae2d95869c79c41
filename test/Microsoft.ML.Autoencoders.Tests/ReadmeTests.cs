using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// Every C# block of the README compiles, as a program of its own, against the engine, the ML.NET layer and ML.NET; blocks that use the
/// TorchSharp backend compile where it is beside the tests (this file is linked into its test project too).
/// </summary>
[TestClass]
public sealed partial class ReadmeTests
{
    [TestMethod]
    public void CodeBlocks_InReadme_Compile()
    {
        string readme = File.ReadAllText(FindReadme());
        string[] all = CSharpBlock().Matches(readme).Select(m => m.Groups["code"].Value).ToArray();
        Assert.IsGreaterThanOrEqualTo(2, all.Length, "The README should hold C# blocks in ```csharp fences.");
        bool torchSharp = File.Exists(Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.Autoencoders.TorchSharp.dll"));
        bool onnx = File.Exists(Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.Autoencoders.Onnx.dll"));
        string[] blocks = all
            .Where(b => torchSharp || !b.Contains("TorchSharpBackend", StringComparison.Ordinal))
            .Where(b => onnx || !b.Contains("ToOnnxTransformer", StringComparison.Ordinal))
            .ToArray();
        if (torchSharp)
        {
            Assert.IsTrue(blocks.Any(b => b.Contains("TorchSharpBackend", StringComparison.Ordinal)), "The README should show the TorchSharp backend.");
        }

        if (onnx)
        {
            Assert.IsTrue(blocks.Any(b => b.Contains("ToOnnxTransformer", StringComparison.Ordinal)), "The README should show the ONNX route to Model.Save.");
        }

        MetadataReference[] references = References();
        var failures = new List<string>();
        for (int i = 0; i < blocks.Length; i++)
        {
            string[] errors = Compile(blocks[i], $"ReadmeBlock{i + 1}", references, out _);
            if (errors.Length > 0)
            {
                string firstLine = blocks[i].Split('\n').FirstOrDefault(l => l.Trim().Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal)) ?? "";
                failures.Add($"README block {i + 1} (\"{firstLine.Trim()}\"):\n  " + string.Join("\n  ", errors));
            }
        }

        Assert.IsEmpty(failures, string.Join("\n", failures));
    }

    [TestMethod]
    public void FirstExample_Run_PrintsWhatTheReadmeShowsAndFlagsEveryPlantedAnomaly()
    {
        string readme = File.ReadAllText(FindReadme());
        Match code = CSharpBlock().Match(readme);
        string shown = TextBlock().Match(readme, code.Index + code.Length).Groups["code"].Value.Trim();
        Assert.IsEmpty(Compile(code.Groups["code"].Value, "ReadmeFirstExample", References(), out byte[] image));

        string printed = RunInTemporaryFolder(image).Trim();

        StringAssert.Contains(printed, "10 of the 10 planted anomalies among them");
        Assert.AreEqual(shown, printed, "the README shows what its first example prints");
    }

    /// <summary>Compiles <paramref name="code"/> as a console program with an SDK project's implicit usings; returns its errors.</summary>
    private static string[] Compile(string code, string name, MetadataReference[] references, out byte[] image)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        // The implicit usings of an SDK console project, as a reader's project would have them.
        SyntaxTree globalUsings = CSharpSyntaxTree.ParseText(
            "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;",
            parse);
        var compilation = CSharpCompilation.Create(
            name,
            [globalUsings, CSharpSyntaxTree.ParseText(code, parse, path: name)],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        string[] errors = compilation.Emit(output).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray();
        image = output.ToArray();
        return errors;
    }

    /// <summary>Runs a compiled program's entry point in a fresh folder, and returns what it wrote to the console.</summary>
    private static string RunInTemporaryFolder(byte[] image)
    {
        MethodInfo entry = Assembly.Load(image).EntryPoint!;
        string folder = Directory.CreateTempSubdirectory("readme-example-").FullName;
        string previousFolder = Environment.CurrentDirectory;
        TextWriter previousOut = Console.Out;
        using var printed = new StringWriter();
        try
        {
            Environment.CurrentDirectory = folder;
            Console.SetOut(printed);
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(previousOut);
            Environment.CurrentDirectory = previousFolder;
            Directory.Delete(folder, recursive: true);
        }

        return printed.ToString();
    }

    // The runtime's assemblies and every managed assembly beside the tests: the engine, this layer, ML.NET and its dependencies.
    private static MetadataReference[] References()
    {
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return Directory.EnumerateFiles(runtime, "*.dll").Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(IsManaged)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => (MetadataReference)MetadataReference.CreateFromFile(g.First()))
            .ToArray();
    }

    private static bool IsManaged(string path)
    {
        try
        {
            using var reader = new PEReader(File.OpenRead(path));
            return reader.HasMetadata;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static string FindReadme()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"No README.md beside a Directory.Packages.props above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^```csharp[ \t]*\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^```text[ \t]*\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex TextBlock();
}
