using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace Microsoft.ML.Autoencoders.Samples.Tests;

/// <summary>
/// Runs every sample at a reduced size, each as its own process from its own build output (samples/NAME/bin/CONFIGURATION/TFM,
/// built before this project by its <c>ReferenceOutputAssembly="false"</c> project references), in a fresh working folder.
/// Each test checks the exit code, that the sample's headline figure lies in a range a working library reaches at that size and
/// a broken one does not, and that its pictures were written as valid files. The ranges' comments give what the reduced run
/// measured and what trivial or broken models score on the same data.
/// </summary>
[TestClass]
[DoNotParallelize] // each sample keeps every core busy; side by side they would only slow each other down
public sealed class SampleRunTests
{
    /// <summary>How long one sample may run before it is killed; the reduced runs take 2 to 15 s on 2 cores.</summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The PNG file signature.</summary>
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Set by MSTest: where a failing run's output goes.</summary>
    public TestContext TestContext { get; set; } = null!;

    /// <summary>
    /// AnomalyDetection with trousers as the normal class, 3 epochs instead of 15 (measured AUROC 0.989 in about 3 s). Scoring each
    /// test image by its squared distance from the mean training trouser, an autoencoder that learned nothing but the mean, gives
    /// 0.974; outputting zeros gives 0.585; so the floor is 0.98.
    /// </summary>
    [TestMethod]
    public void AnomalyDetection_ReducedRun_PrintsAurocAboveFloorAndWritesPictures()
    {
        RunSample("AnomalyDetection", ["1", "3"], run =>
        {
            double auroc = run.Headline("AUROC", @"^AUROC\s+(?<value>\S+)$");
            Assert.IsInRange(0.98, 1.0, auroc, "AUROC of the trouser autoencoder on the 10,000 test images");
            run.AssertPictures("AnomalyDetection", "loss.png", "roc.png", "extremes.png", "top-flags.png");
        });
    }

    /// <summary>
    /// Denoising with Gaussian noise of standard deviation 0.3 on 2,000 training images instead of 20,000 (measured gain 6.6 dB in
    /// about 4 s; the plain autoencoder beside it gains 5.1 dB). Clipping the noisy images to [0, 1] gains 2.3 dB and answering the
    /// mean training image 0.5 dB, so the floor is 4.5 dB; the denoising autoencoder must also beat the plain one.
    /// </summary>
    [TestMethod]
    public void Denoising_ReducedRun_PrintsPsnrGainAboveFloorAndWritesPictures()
    {
        RunSample("Denoising", ["gaussian", "0.3", "2000"], run =>
        {
            double gain = run.Headline("PSNR gain (dB)", @"^\s*gain\s+(?<value>\S+) dB");
            Assert.IsInRange(4.5, 15.0, gain, "PSNR gain of the reconstructions over the noisy test images, in dB");
            double denoised = run.Figure(@"^\s*reconstruction\s+(?<value>\S+) dB");
            double plain = run.Figure(@"^\s*plain autoencoder\s+(?<value>\S+) dB");
            Assert.IsGreaterThan(plain + 0.5, denoised, "The denoising autoencoder's PSNR should beat the plain autoencoder's by half a decibel.");
            run.AssertPictures("Denoising", "loss.png", "denoised.png");
        });
    }

    /// <summary>
    /// FeaturePretraining on 2,000 training images instead of 15,000, codes of 32 (measured 76.9% accuracy on the codes in 7 to
    /// 15 s, most of it the classifier on the raw pixels; PCA of the same size gives 79.2%). Chance is 10%; the floor is 70%. Its few-labels
    /// part keeps 1,000 of those labels: the fine-tuned classifier measured 80.6% (L-BFGS on the codes of the same rows 75.9%); the floor is 77%.
    /// </summary>
    [TestMethod]
    public void FeaturePretraining_ReducedRun_PrintsCodeAccuracyAboveFloorAndWritesPictures()
    {
        RunSample("FeaturePretraining", ["2000", "32"], run =>
        {
            double accuracy = run.Headline("accuracy on codes (%)", @"^autoencoder code: accuracy (?<value>\S+) ?%");
            Assert.IsInRange(70.0, 95.0, accuracy, "Test accuracy (%) of the classifier on the autoencoder's codes");
            double fineTuned = run.Headline("fine-tuned accuracy (%)", @"^fine-tuned: accuracy (?<value>\S+) ?%");
            Assert.IsInRange(77.0, 95.0, fineTuned, "Test accuracy (%) of the fine-tuned classifier on 1,000 labels");
            run.AssertPictures("FeaturePretraining", "loss.png", "codes.png");
        });
    }

    /// <summary>
    /// TabularAnomalies at its full size (20,000 orders, code 3, hidden 16, 40 epochs), which takes only about 2 s (measured AUROC
    /// 0.987). After 1 epoch the same network gives 0.777, after 5 epochs 0.871, after 10 epochs 0.962; the floor is 0.95.
    /// </summary>
    [TestMethod]
    public void TabularAnomalies_ReducedRun_PrintsAurocAboveFloorAndWritesPictures()
    {
        RunSample("TabularAnomalies", ["20000", "3", "16", "40"], run =>
        {
            double auroc = run.Headline("AUROC", @"^AUROC (?<value>[^;\s]+);");
            Assert.IsInRange(0.95, 1.0, auroc, "AUROC of the planted anomalies among the orders");
            run.AssertPictures("TabularAnomalies", "loss.png", "scores.png");
        });
    }

    /// <summary>
    /// TableAnomalies as it is (the Glass table from R's mlbench, 123 normal training rows, the library's defaults; about 3 s of training;
    /// measured AUROC 0.907 on its 87 test rows, 4 of them tableware). Ranking the test rows at random gives 0.5 on average; the floor is 0.75.
    /// </summary>
    [TestMethod]
    public void TableAnomalies_DefaultRun_PrintsAurocAboveFloorAndWritesPictures()
    {
        RunSample("TableAnomalies", [], run =>
        {
            double auroc = run.Headline("AUROC", @"^AUROC (?<value>[^;\s]+);");
            Assert.IsInRange(0.75, 1.0, auroc, "AUROC of the tableware fragments among the test fragments of glass");
            Assert.Contains("explain them", run.Output, "The sample prints the measurements that explain its top flags.");
            run.AssertPictures("TableAnomalies", "scores.png");
        });
    }

    /// <summary>
    /// VaeGeneration on 5,000 training images instead of 30,000, 3 epochs instead of 20 (measured negative ELBO 277 nats per test
    /// image in about 5 s; 1 epoch gives 328). Independent pixels at the mean training image cost 385 nats; the pixels' own entropy,
    /// 190 nats, is a floor no model can pass; so the range is 190 to 320. The importance-weighted bound must also be the tighter one.
    /// </summary>
    [TestMethod]
    public void VaeGeneration_ReducedRun_PrintsNatsInRangeAndWritesPictures()
    {
        RunSample("VaeGeneration", ["5000", "8", "3"], run =>
        {
            double nats = run.Headline("negative ELBO (nats)", @"^\s*Score \(negative ELBO at the latent mean\)\s+(?<value>\S+)");
            Assert.IsInRange(190.0, 320.0, nats, "Negative ELBO of the first 1,000 test images, nats per image");
            double oneSample = run.Figure(@"^\s*negative ELBO, one latent sample per image\s+(?<value>\S+)");
            double importanceWeighted = run.Figure(@"^\s*importance-weighted -log p\(x\), 50 samples\s+(?<value>\S+)");
            Assert.IsLessThan(oneSample, importanceWeighted, "The 50-sample importance-weighted estimate of -log p(x) should lie below the one-sample negative ELBO.");
            run.AssertPictures("VaeGeneration", "prior-samples.png", "interpolation.png", "latent-space.png", "latent-grid.png", "loss.png");
        });
    }

    /// <summary>
    /// Imputation on 2,000 training images instead of 10,000 (measured RMSE 0.150 over the hidden test pixels against the mean's 0.293, in
    /// about 30 s of computing). Filling with each pixel's mean is the baseline to beat; the floor is three quarters of it, 0.22, and
    /// every observed pixel must come through bit for bit.
    /// </summary>
    [TestMethod]
    public void Imputation_ReducedRun_PrintsRmseBelowTheMeansAndWritesPictures()
    {
        RunSample("Imputation", ["2000"], run =>
        {
            double rmse = run.Headline("RMSE", @"^\s*autoencoder \(ImputeMissing\)\s+(?<value>\S+)");
            double mean = run.Figure(@"^\s*mean \(ReplaceMissingValues\)\s+(?<value>\S+)");
            Assert.IsInRange(0.02, 0.22, rmse, "RMSE of the autoencoder's fills over the hidden test pixels");
            Assert.IsLessThan(0.75 * mean, rmse, "The autoencoder should fill hidden pixels well below the mean imputation's error.");
            StringAssert.Contains(run.Output, "Observed pixels passed through bit for bit: True.");
            run.AssertPictures("Imputation", "loss.png", "filled.png");
        });
    }

    /// <summary>
    /// ImagePipeline as it is (3,000 PNG files, 20 epochs; about 5 s; measured AUROC 0.973). Outputting zeros gives 0.76 on the same
    /// test images, the same network after 3 epochs 0.758 and after 10 epochs 0.866, and scoring by the distance to the mean training
    /// sneaker about 0.98; the floor is 0.93. The PNG files it wrote as its input are checked too.
    /// </summary>
    [TestMethod]
    public void ImagePipeline_DefaultRun_PrintsAurocAboveFloorAndWritesPictures()
    {
        RunSample("ImagePipeline", [], run =>
        {
            double auroc = run.Headline("AUROC", @"^AUROC (?<value>\S+) on ");
            Assert.IsInRange(0.93, 1.0, auroc, "AUROC of the sneaker autoencoder on the 1,000 test images");
            run.AssertPictures("ImagePipeline", "reconstructions.png");
            string[] images = Directory.GetFiles(Path.Combine(run.PictureFolder("ImagePipeline"), "images"), "*.png");
            Assert.HasCount(3000, images, "The sample writes 3,000 PNG files and loads them through ML.NET.");
            foreach (string image in images)
            {
                AssertValidPng(image, FashionMnist.Side, FashionMnist.Side);
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="sample"/> with <paramref name="arguments"/> in a fresh temporary working folder, asserts it exits
    /// with 0, then runs <paramref name="check"/>. On any failure the sample's output goes to the test's log and its folder is
    /// kept; on success the folder is deleted.
    /// </summary>
    private void RunSample(string sample, string[] arguments, Action<SampleRun> check)
    {
        string assembly = SampleAssembly(sample);
        string workingDirectory = Directory.CreateTempSubdirectory($"sample-{sample}-").FullName;
        SampleRun? run = null;
        try
        {
            run = SampleRun.Start(assembly, arguments, workingDirectory);
            Assert.AreEqual(0, run.ExitCode, $"{sample} exit code");
            check(run);
            TestContext.WriteLine($"{sample} {(arguments.Length == 0 ? "(no arguments)" : string.Join(' ', arguments))}: {string.Join(", ", run.Headlines)} in {run.Elapsed.TotalSeconds:F1} s");
        }
        catch
        {
            TestContext.WriteLine($"dotnet {assembly} {string.Join(' ', arguments)} in {workingDirectory} (kept)");
            if (run != null)
            {
                TestContext.WriteLine($"exit code {run.ExitCode} after {run.Elapsed.TotalSeconds:F1} s");
                TestContext.WriteLine("---- standard output ----");
                TestContext.WriteLine(run.Output);
                TestContext.WriteLine("---- standard error ----");
                TestContext.WriteLine(run.Error);
            }

            throw;
        }

        Directory.Delete(workingDirectory, recursive: true);
    }

    /// <summary>The sample's entry assembly, from the locations this project's build wrote into its assembly metadata.</summary>
    private static string SampleAssembly(string sample)
    {
        var metadata = typeof(SampleRunTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        string path = Path.Combine(metadata["SamplesFolder"]!, sample, "bin", metadata["SamplesConfiguration"]!, metadata["SamplesTargetFramework"]!, sample + ".dll");
        Assert.IsTrue(File.Exists(path), $"{path} is missing: build the test project (it builds the samples) or the solution in the same configuration.");
        return path;
    }

    /// <summary>
    /// Asserts <paramref name="path"/> is a PNG file (signature, then the IHDR chunk) that SkiaSharp decodes to an image from
    /// <paramref name="minSide"/> to <paramref name="maxSide"/> pixels wide and high that is not all one colour.
    /// </summary>
    private static void AssertValidPng(string path, int minSide, int maxSide)
    {
        Assert.IsTrue(File.Exists(path), $"{path} was not written.");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.IsTrue(bytes.AsSpan().StartsWith(PngSignature), $"{path} does not start with the PNG signature.");
        Assert.IsTrue(bytes.Length > 24 && bytes.AsSpan(12, 4).SequenceEqual("IHDR"u8), $"{path} has the PNG signature but no image header.");
        using SKBitmap? image = SKBitmap.Decode(bytes);
        Assert.IsNotNull(image, $"{path} does not decode.");
        Assert.IsInRange(minSide, maxSide, image.Width, $"{path}: width");
        Assert.IsInRange(minSide, maxSide, image.Height, $"{path}: height");
        Assert.IsGreaterThan(1, image.Pixels.Distinct().Take(2).Count(), $"{path} is all one colour.");
    }

    /// <summary>A finished run of a sample: its exit code, output, working folder and the figures read from its output.</summary>
    private sealed class SampleRun
    {
        private SampleRun(int exitCode, string output, string error, string workingDirectory, TimeSpan elapsed)
        {
            ExitCode = exitCode;
            Output = output;
            Error = error;
            WorkingDirectory = workingDirectory;
            Elapsed = elapsed;
        }

        /// <summary>The process's exit code.</summary>
        public int ExitCode { get; }

        /// <summary>Everything the sample wrote to standard output.</summary>
        public string Output { get; }

        /// <summary>Everything the sample wrote to standard error.</summary>
        public string Error { get; }

        /// <summary>The folder the sample ran in; its pictures are under artifacts/samples/NAME here.</summary>
        public string WorkingDirectory { get; }

        /// <summary>Wall time from start to exit.</summary>
        public TimeSpan Elapsed { get; }

        /// <summary>The headline figures read so far, as "name value", for the log.</summary>
        public List<string> Headlines { get; } = [];

        /// <summary>
        /// Runs <c>dotnet <paramref name="assembly"/> <paramref name="arguments"/></c> in <paramref name="workingDirectory"/> with
        /// invariant globalization (so figures print with a decimal point), capturing its output, and kills it after <see cref="RunTimeout"/>.
        /// </summary>
        public static SampleRun Start(string assembly, string[] arguments, string workingDirectory)
        {
            var startInfo = new ProcessStartInfo(DotnetHost())
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            startInfo.ArgumentList.Add(assembly);
            foreach (string argument in arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }

            startInfo.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
            var clock = Stopwatch.StartNew();
            using Process process = Process.Start(startInfo)!;
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(RunTimeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new AssertFailedException($"{Path.GetFileName(assembly)} did not finish within {RunTimeout.TotalMinutes:0.##} minutes; killed it. Output so far:{Environment.NewLine}{output.Result}{Environment.NewLine}{error.Result}");
            }

            process.WaitForExit(); // drains the redirected streams
            return new SampleRun(process.ExitCode, output.Result, error.Result, workingDirectory, clock.Elapsed);
        }

        /// <summary>The folder the sample writes its pictures to.</summary>
        public string PictureFolder(string sample) => Path.Combine(WorkingDirectory, "artifacts", "samples", sample);

        /// <summary>Reads the headline figure: the group "value" of the first output line <paramref name="pattern"/> matches, noted for the log as <paramref name="name"/>.</summary>
        public double Headline(string name, string pattern)
        {
            double value = Figure(pattern);
            Headlines.Add($"{name} {value.ToString(CultureInfo.InvariantCulture)}");
            return value;
        }

        /// <summary>The group "value" of the first output line <paramref name="pattern"/> matches, as a number.</summary>
        public double Figure(string pattern)
        {
            Match match = Regex.Match(Output, pattern, RegexOptions.Multiline);
            Assert.IsTrue(match.Success, $"No line of the output matches {pattern}.");
            string text = match.Groups["value"].Value;
            Assert.IsTrue(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value), $"\"{text}\" is not a number ({pattern}).");
            return value;
        }

        /// <summary>Asserts each of <paramref name="names"/> in the sample's picture folder is a PNG picture of a readable size (200 to 4,000 pixels a side).</summary>
        public void AssertPictures(string sample, params string[] names)
        {
            foreach (string name in names)
            {
                AssertValidPng(Path.Combine(PictureFolder(sample), name), 200, 4000);
            }
        }

        /// <summary>The dotnet host running this test (DOTNET_HOST_PATH, or the one beside the shared runtime), else dotnet on the PATH.</summary>
        private static string DotnetHost()
        {
            string executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
            if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
            {
                return hostPath;
            }

            // The runtime lives in ROOT/shared/Microsoft.NETCore.App/VERSION/, the host in ROOT.
            string besideRuntime = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", executable));
            return File.Exists(besideRuntime) ? besideRuntime : executable;
        }
    }
}
