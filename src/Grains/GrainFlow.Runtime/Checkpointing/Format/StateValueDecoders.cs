using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace GrainFlow.Runtime.Checkpointing;

/// <summary>
/// Turns what a state codec wrote back into JSON, offline (docs/SAVEPOINTS.md, "Inspecting"): the
/// built-ins and the canonical JSON codec always; Orleans' codec (checkpoints, native savepoints) when
/// the recorded type is a .NET or GrainFlow type or is declared in one of the job assemblies given, and
/// Orleans has a serializer for it there. Values Orleans decoded are written as the canonical codec
/// would write them.
/// </summary>
public sealed class StateValueDecoders
{
    private const string CanonicalAdvice = "take a canonical savepoint (grainflow savepoint <jobId> --type canonical) and inspect that";

    private readonly IReadOnlyList<Assembly> _jobAssemblies;
    private readonly Lazy<IServiceProvider> _orleans;
    private readonly Dictionary<string, (Decoder? Decoder, string? WhyNot)> _byCodec = new(StringComparer.Ordinal);

    /// <param name="jobAssemblies">Assemblies of the job whose types the snapshot's native state may hold.</param>
    public StateValueDecoders(IReadOnlyList<Assembly>? jobAssemblies = null)
    {
        _jobAssemblies = jobAssemblies ?? [];
        _orleans = new Lazy<IServiceProvider>(() => new ServiceCollection()
            .AddSerializer(builder =>
            {
                foreach (var assembly in _jobAssemblies) builder.AddAssembly(assembly);
            })
            .BuildServiceProvider());
    }

    /// <summary>Reads one value from <c>reader</c> and writes it to <c>json</c>.</summary>
    public delegate void Decoder(BinaryReader reader, Utf8JsonWriter json);

    /// <summary>The decoder of <paramref name="codec"/>, or null and why it cannot be decoded here (with what to do).</summary>
    public Decoder? For(string codec, out string? whyNot)
    {
        if (!_byCodec.TryGetValue(codec, out var found)) _byCodec[codec] = found = Create(codec);
        whyNot = found.WhyNot;
        return found.Decoder;
    }

    private (Decoder?, string?) Create(string codec)
    {
        switch (codec)
        {
            case "long": return ((r, j) => j.WriteNumberValue(r.ReadInt64()), null);
            case "int": return ((r, j) => j.WriteNumberValue(r.ReadInt32()), null);
            case "double": return ((r, j) => j.WriteNumberValue(r.ReadDouble()), null);
            case "bool": return ((r, j) => j.WriteBooleanValue(r.ReadBoolean()), null);
            case "string": return ((r, j) => j.WriteStringValue(r.ReadString()), null);
            case "bytes": return ((r, j) => j.WriteBase64StringValue(r.ReadBytes(r.Read7BitEncodedInt())), null);
            case WindowStateCodecs.TimeWindowName: return (WriteTimeWindow, null);
            case WindowStateCodecs.TimeWindowMappingsName: return (WriteTimeWindowMappings, null);
            case WindowStateCodecs.LongsName: return (WriteLongs, null);
        }
        if (StateCodecNames.TrySplitNamespaced(codec, out var keyCodec, out var namespaceCodec))
        {
            var key = For(keyCodec, out var keyWhyNot);
            var ns = For(namespaceCodec, out var namespaceWhyNot);
            if (key is null || ns is null) return (null, keyWhyNot ?? namespaceWhyNot);
            return ((r, j) =>
            {
                j.WriteStartObject();
                j.WritePropertyName("key");
                key(r, j);
                j.WritePropertyName("namespace");
                ns(r, j);
                j.WriteEndObject();
            }, null);
        }
        if (codec.StartsWith(StateCodecNames.JsonV1Prefix, StringComparison.Ordinal))
        {
            return (static (r, j) =>
            {
                using var document = JsonDocument.Parse(r.ReadBytes(r.Read7BitEncodedInt()));
                document.WriteTo(j);
            }, null);
        }
        if (!codec.StartsWith(StateCodecNames.OrleansPrefix, StringComparison.Ordinal))
        {
            return (null, $"this GrainFlow does not know the codec; inspect it with the GrainFlow version that wrote it, or {CanonicalAdvice}");
        }
        var typeName = codec[StateCodecNames.OrleansPrefix.Length..];
        if (Resolve(typeName) is not { } type)
        {
            return (null, $"its type {typeName} is not known here: pass the job's assembly with --job-assembly <path to the dll>, or {CanonicalAdvice}");
        }
        var serializer = _orleans.Value.GetRequiredService<Serializer>();
        if (!serializer.CanSerialize(type))
        {
            return (null, $"Orleans has no serializer for {type.FullName} here: pass the assembly whose [GenerateSerializer] code serializes it with --job-assembly, or {CanonicalAdvice}");
        }
        var read = (Func<IServiceProvider, byte[], object?>)Delegate.CreateDelegate(typeof(Func<IServiceProvider, byte[], object?>),
            typeof(StateValueDecoders).GetMethod(nameof(Deserialize), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type));
        var services = _orleans.Value;
        return ((r, j) =>
        {
            object? value;
            try
            {
                value = read(services, r.ReadBytes(r.Read7BitEncodedInt()));
            }
            catch (Exception e) when (e is not InvalidDataException and not EndOfStreamException)
            {
                throw new InvalidDataException($"Orleans could not read a value of {type.FullName}: {e.Message}", e);
            }
            JsonSerializer.Serialize(j, value, type, StateCodecNames.JsonOptions);
        }, null);
    }

    // As the canonical codec writes these types.
    private static void WriteTimeWindow(BinaryReader reader, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteNumber("Start", reader.ReadInt64());
        json.WriteNumber("End", reader.ReadInt64());
        json.WriteEndObject();
    }

    private static void WriteTimeWindowMappings(BinaryReader reader, Utf8JsonWriter json)
    {
        json.WriteStartArray();
        for (int i = 0, count = reader.Read7BitEncodedInt(); i < count; i++)
        {
            json.WriteStartObject();
            json.WritePropertyName("Window");
            WriteTimeWindow(reader, json);
            json.WritePropertyName("StateWindow");
            WriteTimeWindow(reader, json);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteLongs(BinaryReader reader, Utf8JsonWriter json)
    {
        json.WriteStartArray();
        for (int i = 0, count = reader.Read7BitEncodedInt(); i < count; i++) json.WriteNumberValue(reader.ReadInt64());
        json.WriteEndArray();
    }

    private static object? Deserialize<T>(IServiceProvider services, byte[] bytes) => services.GetRequiredService<Serializer<T>>().Deserialize(bytes);

    /// <summary>
    /// The type a codec recorded (its .NET full name, generic arguments assembly-qualified), looked up
    /// only in .NET's and GrainFlow's assemblies and the job assemblies given — never in whatever else
    /// happens to be loaded, so the outcome does not depend on the process.
    /// </summary>
    private Type? Resolve(string typeName)
    {
        try
        {
            return Type.GetType(typeName, LoadAllowed, (assembly, name, ignoreCase) =>
                (assembly is null ? Searched() : [assembly]).Select(a => a.GetType(name, throwOnError: false, ignoreCase)).FirstOrDefault(t => t is not null),
                throwOnError: false);
        }
        catch (Exception e) when (e is ArgumentException or FileLoadException or BadImageFormatException or TypeLoadException)
        {
            return null;
        }
    }

    private IEnumerable<Assembly> Searched() =>
        _jobAssemblies.Concat(AppDomain.CurrentDomain.GetAssemblies().Where(a => IsPlatformOrGrainFlow(a.GetName())));

    private Assembly? LoadAllowed(AssemblyName name)
    {
        if (_jobAssemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(name, a.GetName())) is { } job) return job;
        if (!IsPlatformOrGrainFlow(name)) return null;
        try
        {
            return Assembly.Load(name);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }

    private static bool IsPlatformOrGrainFlow(AssemblyName name) =>
        name.Name is { } simple && (simple is "mscorlib" or "netstandard" or "System" || simple.StartsWith("System.", StringComparison.Ordinal)
            || simple.StartsWith("Microsoft.", StringComparison.Ordinal) || simple.StartsWith("Orleans.", StringComparison.Ordinal)
            || simple is "GrainFlow.Abstractions" or "GrainFlow.Runtime");
}
