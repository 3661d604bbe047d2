package dev.parley.bench;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parley on several nodes through Redis against one node on the in-memory bus (issue #12), from one
 * generator in one run: fan-out and light-load latency ({@link ClusterFanOut}), then a node killed under
 * its clients ({@link FailoverBench}) on a cluster of its own. Unlike {@link Bench}, it starts the servers
 * itself, with the cluster tests' fixtures ({@code jboss.home} and {@code parley.war} say which WildFly and
 * WAR), and pins them, Redis too, to {@code --server-cpus} once they are up; the run script pins this
 * generator.
 *
 * <pre>java -Djboss.home=DIR dev.parley.bench.ClusterBench --out FILE [--scale quick|full] [--server-cpus 0]
 *     [--spread-cpus 0,1] [--only fanout|failover]</pre>
 */
public final class ClusterBench {

    private static final int NODES = 3;
    /** The fan-out cluster's node TTL: Parley's default, as the load must not make a node lapse. */
    private static final Duration FANOUT_TTL = Duration.ofSeconds(15);
    /** The failover cluster's: short, since the time to resume is the TTL plus what this bench measures. */
    static final Duration FAILOVER_TTL = Duration.ofSeconds(5);

    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path out = Path.of(options.get("out"));
        boolean full = "full".equals(options.getOrDefault("scale", "quick"));
        String cpus = options.getOrDefault("server-cpus", "0");
        String spreadCpus = options.getOrDefault("spread-cpus", "0,1");
        String only = options.get("only");
        HttpClient client = HttpClient.newHttpClient();
        // should this JVM die first, its servers go with it: they are its children, each stopped by its PID
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));

        if (only == null || only.equals("fanout")) {
            try (Deployment single = Deployment.single(client, cpus);
                    Deployment cluster = Deployment.cluster(NODES, FANOUT_TTL, client, cpus)) {
                record(out, new ClusterFanOut(full ? ClusterFanOut.Scale.FULL : ClusterFanOut.Scale.QUICK, single,
                        cluster, cpus, spreadCpus).run());
            }
        }
        if (only == null || only.equals("failover")) {
            try (Deployment cluster = Deployment.cluster(NODES, FAILOVER_TTL, client, cpus)) {
                cluster.awaitQuiet();
                record(out, List.of(new FailoverBench(full ? FailoverBench.Scale.FULL : FailoverBench.Scale.QUICK,
                        cluster, FAILOVER_TTL).run()));
            }
        }
    }

    private static void record(Path out, List<Result> results) throws Exception {
        for (Result result : results) {
            String line = result.toJson().toString();
            System.out.println(line);
            Files.writeString(out, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }
}
