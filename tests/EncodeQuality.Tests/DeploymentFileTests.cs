using System.CommandLine;
using EncodeQuality.Cli.Commands;
using EncodeQuality.Farm.Broker;
using EncodeQuality.Farm.Telemetry;
using EncodeQuality.Metrics;
using EncodeQuality.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace EncodeQuality.Tests;

/// <summary>
/// The deployment files say what the program does: the worker's arguments parse as eq worker's,
/// the probes ask the listener's own paths on the port it is told, a stop's grace outlasts the
/// drain, and KEDA watches the queue the workers consume. No Docker or cluster runs here: the files
/// are read as YAML and held against the program's own constants and parser.
/// </summary>
public class DeploymentFileTests
{
    [Fact]
    public void The_kubernetes_worker_is_probed_where_it_listens_outlives_its_drain_and_scales_on_its_queue()
    {
        var docs = Load(Path.Combine(Repo.Root, "docker", "k8s", "worker.yaml"));
        var deployment = docs.Single(d => Text(d, "kind") == "Deployment");
        var pod = Map(Map(deployment, "spec", "template"), "spec");
        var container = Seq(pod, "containers").Cast<YamlMappingNode>().Single();
        var args = Seq(container, "args").Select(a => ((YamlScalarNode)a).Value!).ToList();
        var options = WorkerArguments(args);

        var listen = MetricsListener.Parse(options.GetValue<string?>("--metrics-listen")!);
        var port = Seq(container, "ports").Cast<YamlMappingNode>().Single(p => Text(p, "name") == "metrics");
        Assert.Equal(listen.Port.ToString(), Text(port, "containerPort"));
        var annotations = Map(Map(deployment, "spec", "template"), "metadata", "annotations");
        Assert.Equal(listen.Port.ToString(), Text(annotations, "prometheus.io/port"));
        Assert.Equal(MetricsListener.MetricsPath, Text(annotations, "prometheus.io/path"));

        Assert.Equal(MetricsListener.HealthPath, Text(Map(container, "livenessProbe", "httpGet"), "path"));
        Assert.Equal(MetricsListener.ReadyPath, Text(Map(container, "readinessProbe", "httpGet"), "path"));
        Assert.Equal("metrics", Text(Map(container, "livenessProbe", "httpGet"), "port"));
        Assert.Equal("metrics", Text(Map(container, "readinessProbe", "httpGet"), "port"));

        double drain = options.GetValue<double>("--drain-timeout");
        Assert.True(double.Parse(Text(pod, "terminationGracePeriodSeconds")) > drain, "the grace period must outlast the drain");
        var env = Seq(container, "env").Cast<YamlMappingNode>().Select(e => Text(e, "name")).ToList();
        Assert.Contains("EQ_AMQP", env);
        Assert.Contains("EQ_STORE", env);

        var scaled = docs.Single(d => Text(d, "kind") == "ScaledObject");
        Assert.Equal(Text(deployment, "metadata", "name"), Text(Map(scaled, "spec", "scaleTargetRef"), "name"));
        var trigger = Seq(Map(scaled, "spec"), "triggers").Cast<YamlMappingNode>().Single();
        Assert.Equal("rabbitmq", Text(trigger, "type"));
        Assert.Equal(options.GetValue<string>("--queue"), Text(Map(trigger, "metadata"), "queueName"));
        Assert.Equal(BrokerTopology.DefaultQueue, Text(Map(trigger, "metadata"), "queueName"));
        var auth = docs.Single(d => Text(d, "kind") == "TriggerAuthentication");
        Assert.Equal(Text(auth, "metadata", "name"), Text(Map(trigger, "authenticationRef"), "name"));
    }

    [Fact]
    public void The_compose_worker_is_checked_ready_where_it_listens_and_stops_after_its_drain()
    {
        var compose = Load(Path.Combine(Repo.Root, "docker", "compose.yaml")).Single();
        var worker = Map(compose, "services", "worker");
        var options = WorkerArguments(Seq(worker, "command").Select(a => ((YamlScalarNode)a).Value!).ToList());
        var listen = MetricsListener.Parse(Text(Map(worker, "environment"), "EQ_METRICS_LISTEN"));
        Assert.Contains(listen.Port.ToString(), Seq(worker, "expose").Select(e => ((YamlScalarNode)e).Value));
        string check = string.Join(" ", Seq(Map(worker, "healthcheck"), "test").Select(t => ((YamlScalarNode)t).Value));
        Assert.Contains($"/dev/tcp/127.0.0.1/{listen.Port}", check);
        Assert.Contains($"GET {MetricsListener.ReadyPath} ", check);

        string grace = Text(worker, "stop_grace_period");
        Assert.EndsWith("m", grace);
        Assert.True(double.Parse(grace[..^1]) * 60 > options.GetValue<double>("--drain-timeout"), "docker stop must outlast the drain");
    }

    /// <summary>
    /// The image carries the models: compose passes the build context "models", the Dockerfile puts
    /// it where the Cli project's build looks for ../shared (so the install copies the models beside
    /// the program), checks the installed default model, and no deployment file mounts models.
    /// </summary>
    [Fact]
    public void The_image_builds_the_models_in_where_the_build_finds_them_and_nothing_mounts_them()
    {
        var compose = Load(Path.Combine(Repo.Root, "docker", "compose.yaml")).Single();
        Assert.Contains("shared/vmaf-models", Text(Map(compose, "services", "worker", "build", "additional_contexts"), "models"));

        var dockerfile = File.ReadAllLines(Path.Combine(Repo.Root, "Dockerfile")).Select(l => l.Trim()).ToList();
        string workdir = dockerfile.First(l => l.StartsWith("WORKDIR ", StringComparison.Ordinal))[8..];
        var copy = dockerfile.Single(l => l.StartsWith("COPY --from=models ", StringComparison.Ordinal)).Split(' ');
        Assert.Equal(".", copy[2]);
        string csproj = File.ReadAllText(Path.Combine(Repo.Root, "src", "EncodeQuality.Cli", "EncodeQuality.Cli.csproj"));
        string shared = System.Text.RegularExpressions.Regex.Match(csproj, @"<SharedModels>\$\(MSBuildThisFileDirectory\)([^<]+)</SharedModels>").Groups[1].Value;
        Assert.Equal(Path.GetFullPath(Path.Combine(workdir, "src", "EncodeQuality.Cli", shared)), copy[3]);
        Assert.True(dockerfile.IndexOf(string.Join(' ', copy)) < dockerfile.FindIndex(l => l.StartsWith("RUN ", StringComparison.Ordinal) && l.Contains("scripts/setup --install")), "the models must be in place before the build");

        string prefix = System.Text.RegularExpressions.Regex.Match(string.Join("\n", dockerfile), @"EQ_PREFIX=(\S+) scripts/setup --install").Groups[1].Value;
        string app = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(Repo.Root, "scripts", "setup")), @"app=""\$prefix(/[^""]+)""").Groups[1].Value;
        Assert.Contains($"test -f {prefix}{app}/models/{EncodeQuality.Vmaf.Model.ModelLocator.DefaultName}.json", string.Join("\n", dockerfile));
        Assert.Contains($"COPY --from=build {prefix} {prefix}", dockerfile);

        foreach (var file in new[] { Path.Combine("docker", "compose.yaml"), Path.Combine("docker", "k8s", "worker.yaml") })
        {
            string text = File.ReadAllText(Path.Combine(Repo.Root, file));
            Assert.DoesNotContain("VMAF_MODEL_PATH", text);
            Assert.DoesNotContain(":/models", text);
            Assert.DoesNotContain("mountPath: /models", text);
        }
    }

    [Fact]
    public void Prometheus_scrapes_the_compose_workers_port_and_grafana_finds_every_source_the_dashboard_names()
    {
        var compose = Load(Path.Combine(Repo.Root, "docker", "compose.yaml")).Single();
        var listen = MetricsListener.Parse(Text(Map(compose, "services", "worker", "environment"), "EQ_METRICS_LISTEN"));
        var prometheus = Load(Path.Combine(Repo.Root, "docker", "prometheus.yml")).Single();
        var scrape = Seq(prometheus, "scrape_configs").Cast<YamlMappingNode>().Single();
        var sd = Seq(scrape, "dns_sd_configs").Cast<YamlMappingNode>().Single();
        Assert.Equal(listen.Port.ToString(), Text(sd, "port"));
        Assert.Contains("worker", Seq(sd, "names").Select(n => ((YamlScalarNode)n).Value));
        // The job name the dashboard's "up" panel counts.
        var dashboard = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "docker", "grafana", "dashboards", "encodequality.json")))!;
        var exprs = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => (string?)t!["expr"]).OfType<string>().ToList();
        Assert.Contains(exprs, e => e.Contains($"job=\"{Text(scrape, "job_name")}\""));

        var sources = Load(Path.Combine(Repo.Root, "docker", "grafana", "provisioning", "datasources", "encodequality.yaml")).Single();
        var uids = Seq(sources, "datasources").Cast<YamlMappingNode>().Select(d => Text(d, "uid")).ToHashSet();
        var named = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray().Select(t => (string)t!["datasource"]!["uid"]!)
            .Append((string)p["datasource"]!["uid"]!)).ToHashSet();
        Assert.Subset(uids, named);
        var providers = Load(Path.Combine(Repo.Root, "docker", "grafana", "provisioning", "dashboards", "encodequality.yaml")).Single();
        string path = Text(Seq(providers, "providers").Cast<YamlMappingNode>().Single(), "options", "path");
        Assert.Contains($"./grafana/dashboards:{path}:ro", Seq(Map(compose, "services", "grafana"), "volumes").Select(v => ((YamlScalarNode)v).Value));
    }

    /// <summary>Arguments as eq worker's own parser reads them; a flag it does not know fails here.</summary>
    private static ParseResult WorkerArguments(IReadOnlyList<string> args)
    {
        Assert.Equal(WorkerCommand.Name, args[0]);
        var parsed = WorkerCommand.Create(MetricCatalog.WithBuiltIns).Parse(args.Skip(1).ToList());
        Assert.Empty(parsed.Errors.Select(e => e.Message));
        return parsed;
    }

    private static List<YamlMappingNode> Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path)) yaml.Load(reader);
        return [.. yaml.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlMappingNode Map(YamlMappingNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => (YamlMappingNode)n.Children[new YamlScalarNode(key)]);

    private static YamlSequenceNode Seq(YamlMappingNode node, string key) => (YamlSequenceNode)node.Children[new YamlScalarNode(key)];

    private static string Text(YamlMappingNode node, params string[] path) =>
        ((YamlScalarNode)Map(node, path[..^1]).Children[new YamlScalarNode(path[^1])]).Value!;
}
