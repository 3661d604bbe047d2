package dev.parley.bench;

import dev.parley.chat.bus.redis.RedisProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One node on the in-memory bus against a cluster on Redis, the same v2 load on each, in the same run:
 *
 * <ul>
 * <li>fan-out, the shape of the v2 benchmark's (users in one room, the first few of them sending, each
 * keeping a window in flight, paced by acks), the users spread over the nodes in turn, so the senders
 * too; CPU is all the deployment's processes', Redis's also apart, per published message;
 * <li>light load: one sender on the first node sending a few messages a second, its receivers on the
 * other nodes only (on a single node, the same node), for the latency that the way through Redis adds,
 * send to receipt on the generator's clock. The sender's own copy is not counted. Each message crosses
 * more processes in a cluster (node, Redis, node), each woken in turn: on a core that others' work keeps
 * busy, each wake-up may wait for a time slice. So the light phases run twice, with the servers on their
 * core as in the fan-out, and with the servers free to run on every core ({@code spreadCpus}; the
 * generator, nearly idle then, stays on its own).
 * </ul>
 *
 * Phases come in blocks of four, single, cluster, cluster, single, so that a drift in the machine's load
 * over a block weighs on both alike; the ratio per block shows the spread. Both deployments, with their
 * crowds, are up throughout.
 */
final class ClusterFanOut {

    record Scale(int users, int senders, int messages, int blocks, int lightReceivers, int lightPerSecond,
            Duration light) {

        static final Scale QUICK = new Scale(20, 4, 300, 1, 6, 20, Duration.ofSeconds(2));
        static final Scale FULL = new Scale(100, 10, 1_000, 2, 20, 20, Duration.ofSeconds(6));

        int lightMessages() {
            return (int) (lightPerSecond * light.toMillis() / 1_000);
        }
    }

    private static final int WINDOW = 8;
    private static final double WARM_JIT_SHARE = 0.02;
    private static final int MAX_WARM_UPS = 30;
    /** Rounds in a row under that share: a single one can fall between two of the compilers' bursts. */
    private static final int QUIET_WARM_UPS = 2;
    /** Longer than the presence interval (250 ms): the crowd's joins are told before the load starts. */
    private static final long PRESENCE_SETTLE_MILLIS = 600;

    private final Scale scale;
    private final Deployment single;
    private final Deployment cluster;
    private final String serverCpus;
    private final String spreadCpus;

    /** Both deployments run on {@code serverCpus}; the second round of light phases on {@code spreadCpus}. */
    ClusterFanOut(Scale scale, Deployment single, Deployment cluster, String serverCpus, String spreadCpus) {
        this.scale = scale;
        this.single = single;
        this.cluster = cluster;
        this.serverCpus = serverCpus;
        this.spreadCpus = spreadCpus;
    }

    /**
     * Warms both up (fan-outs until their cost settles, and a short light phase each, unrecorded), then the
     * phases; last, what Redis says its commands cost over the phases.
     */
    List<Result> run() throws InterruptedException, IOException {
        Map<Deployment, ChatCrowd> fanOutCrowds = Map.of(single, fanOutCrowd(single), cluster, fanOutCrowd(cluster));
        Map<Deployment, ChatCrowd> lightCrowds = Map.of(single, lightCrowd(single), cluster, lightCrowd(cluster));
        try {
            Thread.sleep(PRESENCE_SETTLE_MILLIS);
            warmUp(fanOutCrowds);
            for (Deployment deployment : List.of(single, cluster)) {
                light(deployment, lightCrowds.get(deployment), Math.max(1, scale.lightMessages() / 4));
            }
            RedisProcess redis = cluster.cluster.orElseThrow().redis;
            RedisCommands.reset(redis);
            long redisCpuBefore = cluster.redisCpuNanos();
            List<Result> phases = new ArrayList<>();
            for (int block = 1; block <= scale.blocks(); block++) {
                for (Deployment deployment : List.of(single, cluster, cluster, single)) {
                    deployment.awaitQuiet();
                    phases.add(fanOut(deployment, fanOutCrowds.get(deployment)).figure("block", block)
                            .figure("phase", phases.size() + 1).build());
                }
                for (String cpus : List.of(serverCpus, spreadCpus)) {
                    single.pinTo(cpus);
                    cluster.pinTo(cpus);
                    for (Deployment deployment : List.of(single, cluster, cluster, single)) {
                        deployment.awaitQuiet();
                        phases.add(light(deployment, lightCrowds.get(deployment), scale.lightMessages())
                                .figure("spread", cpus.equals(serverCpus) ? 0 : 1).figure("block", block)
                                .figure("phase", phases.size() + 1).build());
                    }
                }
                single.pinTo(serverCpus);
                cluster.pinTo(serverCpus);
            }
            long published = 2L * scale.blocks() * ((long) scale.senders() * scale.messages() + 2L * scale.lightMessages());
            Result commands = RedisCommands.since(cluster.name, redis);
            phases.add(Result.of(cluster.name, commands.scenario()).figure("published", published)
                    .figure("redis_cpu_us", (cluster.redisCpuNanos() - redisCpuBefore) / 1e3)
                    .figures(commands.figures()).build());
            return phases;
        } finally {
            fanOutCrowds.values().forEach(ChatCrowd::close);
            lightCrowds.values().forEach(ChatCrowd::close);
        }
    }

    /**
     * Fan-outs, unrecorded, on both deployments in turn, until each one's JVMs' JIT compilers have taken under
     * 2 % of its CPU in {@value #QUIET_WARM_UPS} fan-outs in a row (at most {@value #MAX_WARM_UPS} rounds).
     * One warm-up was not enough: with perf, half of a cluster node's CPU in its first recorded phase was its
     * compilers', and both deployments got cheaper phase after phase, the cluster, three JVMs that each
     * compile the same code on a third of the traffic, the more. Both go on until both are done, as a
     * deployment left idle meanwhile (the single node, done first) compiled again in its first recorded phase.
     */
    private void warmUp(Map<Deployment, ChatCrowd> crowds) throws InterruptedException {
        Map<Deployment, Integer> quiet = new HashMap<>(Map.of(single, 0, cluster, 0));
        for (int round = 1; round <= MAX_WARM_UPS; round++) {
            for (Deployment deployment : List.of(single, cluster)) {
                deployment.awaitQuiet();
                Map<String, Double> figures = deployment.fanOut().broadcast(crowds.get(deployment), "warm-up",
                        scale.users(), scale.senders(), scale.messages(), WINDOW).build().figures();
                double jit = figures.get("server_jit_share");
                quiet.put(deployment, jit < WARM_JIT_SHARE ? quiet.get(deployment) + 1 : 0);
                System.out.printf("warm-up %d of %s: %.2f us per delivery, %.1f %% of it JIT compilation%n", round,
                        deployment.name, figures.get("server_cpu_us_per_delivery"), 100 * jit);
            }
            if (quiet.values().stream().allMatch(rounds -> rounds >= QUIET_WARM_UPS)) {
                return;
            }
        }
    }

    private ChatCrowd fanOutCrowd(Deployment deployment) throws InterruptedException {
        return new ChatCrowd(deployment::node, Dialect.v2("fanout"), scale.users(), scale.senders());
    }

    /** User 0, the sender, on the first node; the receivers on the others in turn (all on it, if it is alone). */
    private ChatCrowd lightCrowd(Deployment deployment) throws InterruptedException {
        int others = deployment.nodes.size() - 1;
        ChatCrowd crowd = new ChatCrowd(user -> deployment.nodes.get(user == 0 || others == 0 ? 0 : 1 + (user - 1) % others),
                Dialect.v2("light"), 1 + scale.lightReceivers(), 1);
        crowd.othersLatencyOnly();
        return crowd;
    }

    private Result.Builder fanOut(Deployment deployment, ChatCrowd crowd) throws InterruptedException {
        long redisBefore = deployment.redisCpuNanos();
        Result.Builder phase = deployment.fanOut().broadcast(crowd, "fanout", scale.users(), scale.senders(),
                scale.messages(), WINDOW);
        double redisMicros = (deployment.redisCpuNanos() - redisBefore) / 1e3;
        long published = (long) scale.senders() * scale.messages();
        return phase.figure("nodes", deployment.nodes.size())
                .figure("redis_cpu_us_per_message", deployment.redis.isPresent() ? redisMicros / published : -1)
                .figure("redis_cpu_us_per_delivery",
                        deployment.redis.isPresent() ? redisMicros / (published * scale.users()) : -1);
    }

    /** {@code messages} from user 0, one every 1/rate s whatever the answers, until all arrived or 60 s. */
    private Result.Builder light(Deployment deployment, ChatCrowd crowd, int messages) throws InterruptedException {
        crowd.reset();
        long expected = (long) (1 + scale.lightReceivers()) * messages;
        long interval = TimeUnit.SECONDS.toNanos(1) / scale.lightPerSecond();
        Meter meter = Meter.start(deployment.processes());
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            crowd.send(0, i);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (crowd.delivered() < expected && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        Meter.Sample sample = meter.stop(crowd.delivered());
        return Result.of(deployment.name, "light").figure("nodes", deployment.nodes.size())
                .figure("receivers", scale.lightReceivers()).figure("messages", messages)
                .figure("messages_per_s", scale.lightPerSecond()).sample(sample, "delivery")
                .latency(crowd.latencies()).figure("faults", crowd.faults())
                .figure("complete", crowd.delivered() == expected ? 1 : 0)
                .note(crowd.delivered() == expected ? "" : "incomplete: " + crowd.delivered() + " of " + expected
                        + " deliveries");
    }
}
