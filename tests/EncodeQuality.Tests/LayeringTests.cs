using System.Reflection;
using System.Xml.Linq;
using EncodeQuality.Tests.Support;

namespace EncodeQuality.Tests;

/// <summary>
/// The layering the project files promise: the layers above the application (report, QoE and MQA)
/// and the ones it builds on besides the pipeline (decisions, results, the model) never reach the
/// encoder glue or the pipeline, directly or through another project, in the project files nor in
/// the compiled assemblies.
/// </summary>
public class LayeringTests
{
    private static readonly string[] Forbidden = ["EncodeQuality.Native", "EncodeQuality.Pipeline"];

    public static TheoryData<string> Layers => new() { "EncodeQuality.Model", "EncodeQuality.Results", "EncodeQuality.Decisions", "EncodeQuality.Report", "EncodeQuality.Downstream" };

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_layer_above_the_pipeline_reaches_neither_the_glue_nor_the_pipeline_in_its_project_files(string project)
    {
        var reached = ProjectClosure(project);
        Assert.Empty(reached.Intersect(Forbidden));
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_layer_above_the_pipeline_reaches_neither_the_glue_nor_the_pipeline_in_its_assembly(string project)
    {
        var reached = AssemblyClosure(Assembly.Load(project));
        Assert.Empty(reached.Intersect(Forbidden));
    }

    [Fact]
    public void The_model_depends_on_no_other_project()
    {
        Assert.Empty(ProjectClosure("EncodeQuality.Model"));
    }

    /// <summary>Every project a project reaches through its ProjectReference items, transitively.</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var reached = new HashSet<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var name))
        {
            var file = Path.Combine(Repo.Root, "src", name, name + ".csproj");
            Assert.True(File.Exists(file), $"no project file {file}");
            foreach (var reference in XDocument.Load(file).Descendants("ProjectReference"))
            {
                var referenced = Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value);
                if (reached.Add(referenced)) pending.Push(referenced);
            }
        }
        return reached;
    }

    /// <summary>Every product assembly an assembly's metadata references, transitively.</summary>
    private static HashSet<string> AssemblyClosure(Assembly root)
    {
        var reached = new HashSet<string>();
        var pending = new Stack<Assembly>([root]);
        while (pending.TryPop(out var assembly))
            foreach (var name in assembly.GetReferencedAssemblies())
                if (name.Name!.StartsWith("EncodeQuality.", StringComparison.Ordinal) && reached.Add(name.Name))
                    pending.Push(Assembly.Load(name));
        return reached;
    }
}
