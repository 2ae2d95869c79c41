using System.Text.RegularExpressions;
using Microsoft.ML.Autoencoders.Devices;

namespace Microsoft.ML.Autoencoders.Tests;

/// <summary>
/// The explanation for hosts whose libstdc++ predates GCC 13. The load failure itself cannot be provoked here: the copy of libLibTorchSharp.so
/// in this project's output folder is patched (eng/LibTorchSharpOnOlderLibstdcxx.targets) so that it loads on such hosts, and this process has
/// loaded it already. These tests read the real system library and check the message the failure would carry.
/// </summary>
[TestClass]
public sealed class LibstdcxxRequirementTests
{
    [TestMethod]
    public void NewestVersion_SystemLibstdcxx_IsAWellFormedGlibcxxVersion()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("libstdc++.so.6 is a Linux library.");
        }

        string? library = LibstdcxxRequirement.Locate();
        Assert.IsNotNull(library, "the .NET runtime links libstdc++, so this process maps it");
        StringAssert.StartsWith(Path.GetFileName(library), "libstdc++.so.6");

        string? newest = LibstdcxxRequirement.NewestVersion(library);

        Assert.IsNotNull(newest);
        Assert.MatchesRegex(@"^GLIBCXX_3\.4\.\d+$", newest);
        // libstdc++.so.6.0.N defines GLIBCXX_3.4.N as its newest version: Debian 12's libstdc++.so.6.0.30 has GLIBCXX_3.4.30.
        Match file = Regex.Match(Path.GetFileName(new FileInfo(library).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? library), @"^libstdc\+\+\.so\.6\.0\.(\d+)$");
        if (file.Success)
        {
            Assert.AreEqual($"GLIBCXX_3.4.{file.Groups[1].Value}", newest);
        }

        Assert.AreEqual(LibstdcxxRequirement.IsOlder(newest, LibstdcxxRequirement.NeededVersion), LibstdcxxRequirement.Explain() is not null);
    }

    [TestMethod]
    public void NewestVersion_NotAnElfFile_IsNull()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "GLIBCXX_3.4.40\0 is only text here");
            Assert.IsNull(LibstdcxxRequirement.NewestVersion(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    [DataRow("GLIBCXX_3.4.30", "GLIBCXX_3.4.32", true)]
    [DataRow("GLIBCXX_3.4.9", "GLIBCXX_3.4.32", true)]
    [DataRow("GLIBCXX_3.4", "GLIBCXX_3.4.32", true)]
    [DataRow("GLIBCXX_3.4.32", "GLIBCXX_3.4.32", false)]
    [DataRow("GLIBCXX_3.4.33", "GLIBCXX_3.4.32", false)]
    [DataRow("CXXABI_1.3.15", "GLIBCXX_3.4.32", false)]
    [DataRow("GLIBCXX_DEBUG", "GLIBCXX_3.4.32", false)]
    public void IsOlder_ComparesVersionNumbers(string found, string needed, bool older) =>
        Assert.AreEqual(older, LibstdcxxRequirement.IsOlder(found, needed));

    [TestMethod]
    public void NeededVersion_IsTorchSharp0107sRequirement() =>
        Assert.AreEqual("GLIBCXX_3.4.32", LibstdcxxRequirement.NeededVersion);

    [TestMethod]
    public void Message_NamesBothVersionsAndBothChoices()
    {
        string message = LibstdcxxRequirement.Message("GLIBCXX_3.4.32", "GLIBCXX_3.4.30", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30");

        StringAssert.Contains(message, "needs GLIBCXX_3.4.32");
        StringAssert.Contains(message, "up to GLIBCXX_3.4.30");
        StringAssert.Contains(message, "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30");
        StringAssert.Contains(message, "Debian 13");
        StringAssert.Contains(message, "Ubuntu 24.04");
        StringAssert.Contains(message, "toolchain package");
        StringAssert.Contains(message, "TrainingBackend.Engine");
    }
}
