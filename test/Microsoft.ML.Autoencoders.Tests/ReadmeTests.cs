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
        string[] blocks = all.Where(b => torchSharp || !b.Contains("TorchSharpBackend", StringComparison.Ordinal)).ToArray();
        if (torchSharp)
        {
            Assert.IsTrue(blocks.Any(b => b.Contains("TorchSharpBackend", StringComparison.Ordinal)), "The README should show the TorchSharp backend.");
        }

        MetadataReference[] references = References();
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        // The implicit usings of an SDK console project, as a reader's project would have them.
        SyntaxTree globalUsings = CSharpSyntaxTree.ParseText(
            "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;",
            parse);
        var failures = new List<string>();
        for (int i = 0; i < blocks.Length; i++)
        {
            var compilation = CSharpCompilation.Create(
                $"ReadmeBlock{i + 1}",
                [globalUsings, CSharpSyntaxTree.ParseText(blocks[i], parse, path: $"README block {i + 1}")],
                references,
                new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
            using var output = new MemoryStream();
            var errors = compilation.Emit(output).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            if (errors.Length > 0)
            {
                string firstLine = blocks[i].Split('\n').FirstOrDefault(l => l.Trim().Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal)) ?? "";
                failures.Add($"README block {i + 1} (\"{firstLine.Trim()}\"):\n  " + string.Join("\n  ", errors.Select(e => e.ToString())));
            }
        }

        Assert.IsEmpty(failures, string.Join("\n", failures));
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
}
