using System.Text.Json;

namespace GrainFlow.Silo.Examples;

/// <summary>
/// Reads the JSON lines an example job wrote (objects of a key and a "Count") and prints the final
/// count per key: the highest count of each key wins (counts only grow, and with checkpoints a
/// subtask's output is spread over several committed part files).
/// </summary>
public static class ExampleResults
{
    public static Dictionary<string, long> FinalCounts(string outputDirectory)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(outputDirectory, "part-*.jsonl"))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.Length == 0) continue;
                using var json = JsonDocument.Parse(line);
                var properties = json.RootElement.EnumerateObject().ToList();
                var key = properties[0].Value.ToString();
                counts[key] = Math.Max(counts.GetValueOrDefault(key), json.RootElement.GetProperty("Count").GetInt64());
            }
        }
        return counts;
    }

    public static void Print(string outputDirectory, TextWriter output)
    {
        var counts = FinalCounts(outputDirectory);
        output.WriteLine($"Output: {outputDirectory}");
        output.WriteLine($"{counts.Count} keys, {counts.Values.Sum()} records counted. Largest counts:");
        foreach (var (key, count) in counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(10))
        {
            output.WriteLine($"  {key,-20} {count}");
        }
    }
}
