using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace GrainFlow.Silo.Tests.Fixtures;

/// <summary>One HTTP exchange: the status and the parsed JSON body.</summary>
public sealed record RestReply(HttpStatusCode Status, JsonNode? Body, string Text)
{
    public JsonObject Object => Body as JsonObject ?? throw new InvalidOperationException($"Not a JSON object: {Text}");

    /// <summary>The single message of a Flink error body, failing the test when the shape differs.</summary>
    public string Error
    {
        get
        {
            var errors = Object["errors"] as JsonArray ?? throw new InvalidOperationException($"No errors array: {Text}");
            Assert.Single(errors);
            return errors[0]!.GetValue<string>();
        }
    }

    public override string ToString() => $"{(int)Status} {Text}";
}

public static class RestCalls
{
    public static Task<RestReply> GetJsonAsync(this HttpClient http, string path) => http.SendJsonAsync(HttpMethod.Get, path, null);

    public static Task<RestReply> PostJsonAsync(this HttpClient http, string path, string? body = null) => http.SendJsonAsync(HttpMethod.Post, path, body);

    /// <param name="contentType">The body's Content-Type header as sent, parameters included.</param>
    /// <param name="headers">Sets further request headers (Origin, Host).</param>
    public static async Task<RestReply> SendJsonAsync(this HttpClient http, HttpMethod method, string path, string? body, string contentType = "application/json",
        Action<HttpRequestMessage>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        headers?.Invoke(request);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                // Left null: the assertions on Body say what was expected.
            }
        }
        return new RestReply(response.StatusCode, json, text);
    }

    /// <summary>Polls an asynchronous operation until its status is COMPLETED (Flink's AsynchronousOperationResult).</summary>
    public static async Task<JsonObject> PollCompletedAsync(this HttpClient http, string path, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var reply = await http.GetJsonAsync(path);
            Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
            var status = reply.Object["status"]?["id"]?.GetValue<string>();
            if (status == "COMPLETED") return reply.Object["operation"]!.AsObject();
            Assert.Equal("IN_PROGRESS", status);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} still IN_PROGRESS");
            await Task.Delay(100);
        }
    }
}
