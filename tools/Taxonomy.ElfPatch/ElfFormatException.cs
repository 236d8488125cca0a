namespace Taxonomy.ElfPatch;

/// <summary>The file is not an ELF64 little-endian shared object this tool can read, or its version tables are damaged.</summary>
public sealed class ElfFormatException(string message) : Exception(message);
