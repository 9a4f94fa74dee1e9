using System.Diagnostics;
using System.Text;

namespace GrainFlow.Cluster.Tests.Fixtures;

/// <summary>The last lines a child process wrote to stdout and stderr, for failure messages.</summary>
internal sealed class CapturedOutput
{
    private const int MaxLines = 200;
    private readonly Queue<string> _lines = new();

    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public override string ToString()
    {
        lock (_lines) return new StringBuilder().AppendJoin(Environment.NewLine, _lines).ToString();
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > MaxLines) _lines.Dequeue();
        }
    }
}
