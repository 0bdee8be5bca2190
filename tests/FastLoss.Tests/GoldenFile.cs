using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text.Json;

namespace FastLoss.Tests;

/// <summary>A gzipped JSON-lines file of conformance cases in TestData, by case id.</summary>
internal static class GoldenFile
{
    public static Dictionary<string, JsonElement> Load(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "TestData", fileName);
        using GZipStream gz = new(File.OpenRead(path), CompressionMode.Decompress);
        using StreamReader reader = new(gz);
        Dictionary<string, JsonElement> cases = [];
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            JsonElement e = JsonDocument.Parse(line).RootElement;
            cases.Add(e.GetProperty("id").GetString()!, e);
        }
        return cases;
    }
}
