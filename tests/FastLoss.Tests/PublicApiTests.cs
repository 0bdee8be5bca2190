using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Xunit;

namespace FastLoss.Tests;

/// <summary>
/// The public surface of FastLoss is tracked in src/FastLoss/PublicAPI.txt (one line per public type and member,
/// with parameter names and defaults), so that a change of it is a visible diff. After an intended change, run the
/// tests once with FASTLOSS_UPDATE_PUBLIC_API=1 to rewrite the file, and commit it.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void ThePublicSurfaceIsTheTrackedOne()
    {
        string file = Path.Combine(ReadMeTests.Root(), "src", "FastLoss", "PublicAPI.txt");
        string[] actual = Surface(typeof(Loss).Assembly);
        if (Environment.GetEnvironmentVariable("FASTLOSS_UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllLines(file, actual);
        }
        string[] tracked = File.Exists(file) ? File.ReadAllLines(file) : [];
        string[] added = [.. actual.Except(tracked)], removed = [.. tracked.Except(actual)];
        Assert.True(added.Length == 0 && removed.Length == 0,
            $"The public API differs from src/FastLoss/PublicAPI.txt (rerun with FASTLOSS_UPDATE_PUBLIC_API=1 if intended):\n"
            + string.Join("\n", added.Select(a => "+ " + a).Concat(removed.Select(r => "- " + r))));
    }

    /// <summary>The XML docs beside the library (those the package ships) document the public surface only.</summary>
    [Fact]
    public void TheXmlDocsHoldThePublicSurfaceOnly()
    {
        string file = Path.ChangeExtension(typeof(Loss).Assembly.Location, ".xml");
        string[] ids = [.. System.Xml.Linq.XDocument.Load(file).Descendants("member").Select(m => (string)m.Attribute("name")!)];
        HashSet<string> types = [.. typeof(Loss).Assembly.GetExportedTypes().Select(t => t.FullName!.Replace('+', '.'))];
        string[] typeIds = [.. ids.Where(id => id.StartsWith("T:", StringComparison.Ordinal)).Select(id => id[2..])];
        Assert.Equal(types.Order(StringComparer.Ordinal), typeIds.Order(StringComparer.Ordinal));
        Assert.All(ids, id => Assert.DoesNotContain("Kernels", id, StringComparison.Ordinal));
        Assert.Contains(ids, id => id.StartsWith("M:FastLoss.Shard.CrossEntropy", StringComparison.Ordinal));
        Assert.DoesNotContain(ids, id => id.Contains("Form``1", StringComparison.Ordinal));
    }

    /// <summary>Every public type and its public or protected members, one sorted line each.</summary>
    internal static string[] Surface(Assembly assembly)
    {
        List<string> lines = [];
        foreach (Type type in assembly.GetExportedTypes())
        {
            string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";
            string bases = string.Join(", ", new[] { type.BaseType }.Where(b => b is not null && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum)).Select(b => Name(b!))
                .Concat(type.GetInterfaces().Select(Name).Order(StringComparer.Ordinal)));
            lines.Add($"{kind} {Name(type)}{(bases.Length > 0 ? " : " + bases : "")}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MemberInfo member in type.GetMembers(flags))
            {
                if (Describe(type, member) is string line)
                {
                    lines.Add($"{Name(type)}.{line}");
                }
            }
        }
        return [.. lines.Order(StringComparer.Ordinal)];
    }

    private static bool Visible(MethodBase? method) => method is not null && (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly);

    private static string? Describe(Type owner, MemberInfo member) => member switch
    {
        ConstructorInfo c when Visible(c) && !c.IsStatic => $".ctor({Parameters(c.GetParameters())})",
        MethodInfo m when Visible(m) && !m.IsSpecialName => $"{(m.IsStatic ? "static " : m.IsAbstract ? "abstract " : m.IsVirtual && m.GetBaseDefinition() == m && !owner.IsValueType ? "virtual " : "")}{m.Name}{TypeParameters(m)}({Parameters(m.GetParameters())}) -> {Name(m.ReturnType)}",
        MethodInfo m when Visible(m) && m.Name.StartsWith("op_", StringComparison.Ordinal) => $"static {m.Name}({Parameters(m.GetParameters())}) -> {Name(m.ReturnType)}",
        PropertyInfo p when Visible(p.GetMethod) || Visible(p.SetMethod) => $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{p.Name}{(p.GetIndexParameters().Length > 0 ? "[" + Parameters(p.GetIndexParameters()) + "]" : "")} : {Name(p.PropertyType)} {{ {(Visible(p.GetMethod) ? "get; " : "")}{(Visible(p.SetMethod) ? "set; " : "")}}}",
        FieldInfo f when (f.IsPublic || f.IsFamily) && !f.IsSpecialName => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{f.Name} : {Name(f.FieldType)}{(f.IsLiteral ? " = " + f.GetRawConstantValue() : "")}",
        EventInfo e when Visible(e.AddMethod) => $"event {e.Name} : {Name(e.EventHandlerType!)}",
        _ => null,
    };

    private static string TypeParameters(MethodInfo m)
        => m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(t => t.Name + Constraints(t))) + ">" : "";

    private static string Constraints(Type parameter)
    {
        List<string> parts = [];
        GenericParameterAttributes a = parameter.GenericParameterAttributes;
        if ((a & GenericParameterAttributes.NotNullableValueTypeConstraint) != 0)
        {
            parts.Add("struct");
        }
        parts.AddRange(parameter.GetGenericParameterConstraints().Where(c => c != typeof(ValueType)).Select(Name).Order(StringComparer.Ordinal));
        return parts.Count == 0 ? "" : " : " + string.Join(" + ", parts);
    }

    private static string Parameters(ParameterInfo[] parameters) => string.Join(", ", parameters.Select(p =>
        $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? (p.IsIn ? "in " : "ref ") : "")}{(p.IsDefined(typeof(ParamArrayAttribute)) || p.IsDefined(typeof(ParamCollectionAttribute)) ? "params " : "")}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + Default(p.DefaultValue) : "")}"));

    private static string Default(object? value) => value switch
    {
        null => "default",
        string s => $"\"{s}\"",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!);
        }
        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }
        if (type.IsGenericParameter)
        {
            return type.Name;
        }
        if (Nullable.GetUnderlyingType(type) is Type underlying)
        {
            return Name(underlying) + "?";
        }
        string name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : (type.Namespace is null ? "" : type.Namespace + ".") + type.Name;
        if (type.IsGenericType)
        {
            int tick = name.IndexOf('`', StringComparison.Ordinal);
            name = (tick >= 0 ? name[..tick] : name) + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
        }
        return name;
    }
}
