using System.Text.Json.Serialization;

namespace OpenSips.Mi.Cli;

/// <summary>Source-generated JSON metadata for the few values the tool serializes itself.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
