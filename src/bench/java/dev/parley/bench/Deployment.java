package dev.parley.bench;

import dev.parley.it.LocalCluster;
import dev.parley.it.ParleyNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the cluster benchmark runs against: one WildFly node on the in-memory bus, or WildFly nodes on one
 * Redis, started with the cluster tests' own fixtures ({@link ParleyNode}, {@link LocalCluster}) and
 * pinned to the servers' CPUs once up. Its cost is the CPU of all its processes, nodes and Redis.
 */
final class Deployment implements AutoCloseable {

    final String name;
    /** Each node as a target: its own URL and JVM. */
    final List<Target> nodes;
    /** The cluster's Redis; none on the in-memory bus. */
    final Optional<ServerProcess> redis;
    /** The cluster, for what only a cluster does (kill a node); none for a single node. */
    final Optional<LocalCluster> cluster;
    private final AutoCloseable stop;

    private Deployment(String name, List<Target> nodes, Optional<ServerProcess> redis, Optional<LocalCluster> cluster,
            AutoCloseable stop) {
        this.name = name;
        this.nodes = nodes;
        this.redis = redis;
        this.cluster = cluster;
        this.stop = stop;
    }

    /** One node, no Redis: Parley's in-memory bus. */
    static Deployment single(HttpClient client, String cpus) throws IOException, InterruptedException {
        ParleyNode node = ParleyNode.wildFly("single", Map.of()).awaitReady();
        try {
            Target target = target("single", node, client);
            target.process().pinTo(cpus);
            return new Deployment("single", List.of(target), Optional.empty(), Optional.empty(), node);
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /**
     * {@code size} nodes on one Redis (without persistence, as the bench loses nothing by a restart), each
     * with {@code ttl} as its node TTL. nginx, which the fixture starts in front of them, is not used.
     */
    static Deployment cluster(int size, Duration ttl, HttpClient client, String cpus)
            throws IOException, InterruptedException {
        LocalCluster cluster = LocalCluster.start(size, ttl, false, 0, Map.of());
        try {
            List<Target> nodes = new ArrayList<>();
            for (ParleyNode node : cluster.nodes) {
                nodes.add(target(node.id, node, client));
            }
            ServerProcess redis = new ServerProcess(cluster.redis.pid());
            for (Target node : nodes) {
                node.process().pinTo(cpus);
            }
            redis.pinTo(cpus);
            return new Deployment("cluster-" + size, nodes, Optional.of(redis), Optional.of(cluster), cluster);
        } catch (IOException | RuntimeException e) {
            closeQuietly(cluster);
            throw e;
        }
    }

    private static Target target(String name, ParleyNode node, HttpClient client) {
        String chat = node.ws("chat").toString();
        return new Target(name, URI.create(chat.substring(0, chat.length() - "/chat".length())),
                new ServerProcess(node.jvmPid()), client);
    }

    /** Where the {@code user}th user of a crowd goes: the nodes in turn. */
    Target node(int user) {
        return nodes.get(user % nodes.size());
    }

    /** Every process whose CPU counts: the nodes' JVMs, then Redis. */
    List<ServerProcess> processes() {
        List<ServerProcess> all = new ArrayList<>(nodes.stream().map(Target::process).toList());
        redis.ifPresent(all::add);
        return all;
    }

    /** Redis's CPU time so far; 0 without one. */
    long redisCpuNanos() {
        return redis.map(ServerProcess::cpuNanos).orElse(0L);
    }

    /** Moves every process, with all its threads, to {@code cpus}. */
    void pinTo(String cpus) throws IOException, InterruptedException {
        for (ServerProcess process : processes()) {
            process.pinTo(cpus);
        }
    }

    /** Waits until each process has gone quiet, as the single-server bench does for its one. */
    void awaitQuiet() throws InterruptedException {
        for (ServerProcess process : processes()) {
            process.awaitQuiet();
        }
    }

    /** Results are named after the deployment; its CPU is all of its processes'. */
    FanOutBench fanOut() {
        Target first = nodes.get(0);
        return new FanOutBench(new Target(name, first.base(), first.process(), first.client()), processes());
    }

    @Override
    public void close() {
        closeQuietly(stop);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("could not stop cleanly: " + e);
        }
    }
}
