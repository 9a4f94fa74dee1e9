using System.Text;
using GrainFlow.Client;

Console.OutputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
// stdin as a StreamReader over its bytes, so publish can refuse a line that is not UTF-8 instead of reading U+FFFD.
using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
return await CliApp.RunAsync(args, Console.Out, Console.Error, stdin);
