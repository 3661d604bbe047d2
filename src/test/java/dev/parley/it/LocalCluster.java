package dev.parley.it;

import dev.parley.chat.bus.redis.RedisProcess;
import dev.parley.chat.bus.redis.TcpProxy;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Parley cluster on this machine: a Redis of its own, WildFly nodes on it and nginx in front of them, all
 * on loopback, each stopped by its PID. The integration tests' cluster, and, through {@link #main}, the
 * one a newcomer starts to try Parley on several nodes; the benchmark's cluster too ({@code src/bench}).
 */
public final class LocalCluster implements AutoCloseable {

    /** nginx connects upstream from this address, which the nodes trust as a proxy. */
    static final String PROXY = "127.0.0.2";

    public final RedisProcess redis;
    public final List<ParleyNode> nodes;
    final Nginx nginx;
    /** The proxies between Redis and the nodes that reach it through one, by node number (from 1). */
    private final Map<Integer, TcpProxy> proxies;

    private LocalCluster(RedisProcess redis, List<ParleyNode> nodes, Nginx nginx, Map<Integer, TcpProxy> proxies) {
        this.redis = redis;
        this.nodes = nodes;
        this.nginx = nginx;
        this.proxies = proxies;
    }

    /** Starts Redis and {@code size} WildFly nodes behind nginx, as {@link #start(List, Duration, boolean, int, Map, Set)}. */
    public static LocalCluster start(int size, Duration ttl, boolean durable, int port, Map<String, String> settings)
            throws IOException, InterruptedException {
        return start(Collections.nCopies(size, ParleyNode.Server.WILDFLY), ttl, durable, port, settings, Set.of());
    }

    /**
     * Starts Redis (with AOF when {@code durable}), then a node on each of {@code servers}, side by side, each
     * with {@code ttl} as its node TTL and the given settings on top, then nginx in front of them on {@code
     * port} (0: a free one). The nodes numbered in {@code proxied} (from 1) reach Redis through a {@link
     * TcpProxy} of their own, so that a test can cut them off.
     */
    static LocalCluster start(List<ParleyNode.Server> servers, Duration ttl, boolean durable, int port,
            Map<String, String> settings, Set<Integer> proxied) throws IOException, InterruptedException {
        RedisProcess redis = RedisProcess.start(durable);
        List<ParleyNode> nodes = new ArrayList<>();
        Map<Integer, TcpProxy> proxies = new HashMap<>();
        try {
            for (int i = 1; i <= servers.size(); i++) {
                Map<String, String> node = new LinkedHashMap<>();
                if (proxied.contains(i)) {
                    proxies.put(i, TcpProxy.to(redis));
                }
                node.put("parley.redis.uri", proxied.contains(i) ? proxies.get(i).redisUri() : redis.uri());
                node.put("parley.node.id", "node-" + i);
                node.put("parley.cluster.node-ttl-seconds", Long.toString(ttl.toSeconds()));
                node.put("parley.trusted-proxies", PROXY);
                node.putAll(settings);
                nodes.add(ParleyNode.launch(servers.get(i - 1), "node-" + i, node));
            }
            for (ParleyNode node : nodes) {
                node.awaitReady();
            }
            List<Integer> upstreams = nodes.stream().map(n -> n.port).toList();
            Nginx nginx = port == 0 ? Nginx.start(upstreams, PROXY) : Nginx.start(port, upstreams, PROXY);
            return new LocalCluster(redis, nodes, nginx, proxies);
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(nodes, proxies, redis);
            throw e;
        }
    }

    /** The nodes first, so that none outlives its Redis; then the proxies, then Redis. */
    private static void stop(List<ParleyNode> nodes, Map<Integer, TcpProxy> proxies, RedisProcess redis)
            throws IOException, InterruptedException {
        for (ParleyNode node : nodes) {
            node.close();
        }
        for (TcpProxy proxy : proxies.values()) {
            proxy.close();
        }
        redis.close();
    }

    /** The proxy between Redis and node {@code number}, which must have been started behind one. */
    TcpProxy proxyOf(int number) {
        return proxies.get(number);
    }

    /** {@code path} under the context root, through nginx. */
    URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + nginx.port + Deployments.CONTEXT_ROOT + path);
    }

    /** {@code path} under the context root over HTTP, through nginx: where a browser opens the page. */
    URI http(String path) {
        return URI.create("http://127.0.0.1:" + nginx.port + Deployments.CONTEXT_ROOT + path);
    }

    /** The chat endpoint of node {@code number} (from 1), directly, not through nginx. */
    URI chatOn(int number) {
        return nodes.get(number - 1).ws("chat");
    }

    @Override
    public void close() throws Exception {
        nginx.close();
        stop(nodes, proxies, redis);
    }

    /**
     * {@code mvn -Pcluster verify}: Redis, three WildFly nodes and nginx on {@code parley.port} (8080), until
     * Ctrl-C. Open http://localhost:8080/parley/ in two browsers: nginx sends them to different nodes.
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("parley.port", 8080);
        LocalCluster cluster = start(3, Duration.ofSeconds(15), true, port, Map.of());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                cluster.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        System.out.println();
        System.out.println("Parley cluster: http://localhost:" + port + "/parley/ (nginx, round robin over the nodes)");
        for (ParleyNode node : cluster.nodes) {
            System.out.println("  " + node.id + ": " + node.http("") + "  (log: " + node.base.resolve("log") + ")");
        }
        System.out.println("  Redis: " + cluster.redis.uri() + " (AOF on)");
        System.out.println("Ctrl-C stops them all.");
        Thread.currentThread().join();
    }
}
