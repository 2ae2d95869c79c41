using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Microsoft.ML.Autoencoders.Devices;

/// <summary>
/// Tells whether libtorch failed to load because the system's libstdc++ predates the one TorchSharp's native library was built with. It finds
/// the libstdc++.so.6 the loader uses and reads the GLIBCXX_ version names that library defines in its ELF version definitions; it never
/// interprets the text of the load error.
/// </summary>
internal static class LibstdcxxRequirement
{
    /// <summary>
    /// The libstdc++ version TorchSharp 0.107.0's libLibTorchSharp.so asks for (GCC 13's libstdc++). Change it with the TorchSharp package.
    /// </summary>
    internal const string NeededVersion = "GLIBCXX_3.4.32";

    private const string Library = "libstdc++.so.6";
    private const string VersionPrefix = "GLIBCXX_";

    /// <summary>
    /// The explanation of a libtorch load failure when the libstdc++ of this Linux process lacks <see cref="NeededVersion"/>; null when it has
    /// it, on other systems, or when the library cannot be found or read.
    /// </summary>
    internal static string? Explain()
    {
        if (!OperatingSystem.IsLinux() || Locate() is not { } library || NewestVersion(library) is not { } newest)
        {
            return null;
        }

        return IsOlder(newest, NeededVersion) ? Message(NeededVersion, newest, library) : null;
    }

    /// <summary>
    /// The libstdc++.so.6 the loader uses: the one mapped into this process (the .NET runtime itself links libstdc++), else the first in
    /// LD_LIBRARY_PATH or the standard library directories; null when there is none.
    /// </summary>
    internal static string? Locate() => Mapped() ?? SearchDirectories().Select(d => Path.Combine(d, Library)).FirstOrDefault(File.Exists);

    /// <summary>The newest GLIBCXX_ version <paramref name="library"/> defines, such as GLIBCXX_3.4.30; null when it is not a readable 64-bit little-endian ELF file or defines none.</summary>
    internal static string? NewestVersion(string library)
    {
        byte[] elf;
        try
        {
            elf = File.ReadAllBytes(library);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return DefinedVersions(elf).Where(v => Parse(v) is not null).MaxBy(Parse);
    }

    /// <summary>Whether GLIBCXX version <paramref name="found"/> precedes <paramref name="needed"/>, comparing numbers (GLIBCXX_3.4.9 precedes GLIBCXX_3.4.30); false when either is not a GLIBCXX_ version.</summary>
    internal static bool IsOlder(string found, string needed) => Parse(found) is { } f && Parse(needed) is { } n && f < n;

    /// <summary>The error for a libstdc++ at <paramref name="library"/> whose newest version is <paramref name="found"/>, when TorchSharp needs <paramref name="needed"/>.</summary>
    internal static string Message(string needed, string found, string library) =>
        $"TorchSharp could not load libtorch: its native library, libLibTorchSharp, needs {needed} from libstdc++ (GCC 13 or later), but this system's " +
        $"libstdc++ ({library}) defines versions only up to {found}. Either run with a newer libstdc++ (Debian 13 or Ubuntu 24.04 and later have one; " +
        "elsewhere install a toolchain package that ships it, such as a GCC 13 runtime or conda-forge's libstdcxx, and put its directory on " +
        $"LD_LIBRARY_PATH), or train with the engine backend, {nameof(TrainingBackend)}.{nameof(TrainingBackend.Engine)}, which needs no native library.";

    private static Version? Parse(string version) =>
        version.StartsWith(VersionPrefix, StringComparison.Ordinal) && version.Length > VersionPrefix.Length && version.AsSpan(VersionPrefix.Length).IndexOfAnyExcept("0123456789.") < 0
            && Version.TryParse(version.AsSpan(VersionPrefix.Length), out Version? parsed) ? parsed : null;

    private static string? Mapped()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                int path = line.IndexOf('/');
                if (path >= 0 && Path.GetFileName(line.AsSpan(path)).StartsWith(Library, StringComparison.Ordinal) && File.Exists(line[path..]))
                {
                    return line[path..];
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static IEnumerable<string> SearchDirectories()
    {
        string multiarch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        string[] libraryPath = (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return libraryPath.Concat([$"/lib/{multiarch}", $"/usr/lib/{multiarch}", "/lib64", "/usr/lib64", "/lib", "/usr/lib"]);
    }

    // The names in the ELF64 little-endian file's SHT_GNU_verdef section (.gnu.version_d), but the first, which names the file itself.
    private static List<string> DefinedVersions(ReadOnlySpan<byte> elf)
    {
        const uint VersionDefinitions = 0x6FFFFFFD; // SHT_GNU_verdef
        const ushort Base = 0x1;                    // VER_FLG_BASE
        var names = new List<string>();
        if (elf.Length < 64 || !elf.StartsWith("\u007FELF"u8) || elf[4] != 2 || elf[5] != 1)
        {
            return names;
        }

        try
        {
            long sectionTable = BinaryPrimitives.ReadInt64LittleEndian(elf[0x28..]);
            int sectionSize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3A..]), sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3C..]);
            for (int s = 0; s < sectionCount; s++)
            {
                ReadOnlySpan<byte> header = elf[checked((int)(sectionTable + (long)s * sectionSize))..];
                if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != VersionDefinitions)
                {
                    continue;
                }

                ReadOnlySpan<byte> stringsHeader = elf[checked((int)(sectionTable + BinaryPrimitives.ReadUInt32LittleEndian(header[40..]) * (long)sectionSize))..];
                int strings = checked((int)BinaryPrimitives.ReadInt64LittleEndian(stringsHeader[24..]));
                int definition = checked((int)BinaryPrimitives.ReadInt64LittleEndian(header[24..]));
                for (uint count = BinaryPrimitives.ReadUInt32LittleEndian(header[44..]); count > 0; count--)
                {
                    ReadOnlySpan<byte> entry = elf[definition..];
                    if ((BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]) & Base) == 0)
                    {
                        int auxiliary = checked(definition + BinaryPrimitives.ReadInt32LittleEndian(entry[12..]));
                        ReadOnlySpan<byte> name = elf[checked(strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf[auxiliary..]))..];
                        names.Add(Encoding.ASCII.GetString(name[..name.IndexOf((byte)0)]));
                    }

                    int next = BinaryPrimitives.ReadInt32LittleEndian(entry[16..]);
                    if (next == 0)
                    {
                        break;
                    }

                    definition = checked(definition + next);
                }
            }
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            // A truncated or malformed file: what was read so far stands.
        }

        return names;
    }
}
