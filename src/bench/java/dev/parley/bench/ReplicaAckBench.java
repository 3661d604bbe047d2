package dev.parley.bench;

import dev.parley.chat.bus.Draft;
import dev.parley.chat.bus.HistoryLimits;
import dev.parley.chat.bus.Stream;
import dev.parley.chat.bus.redis.ClusterSettings;
import dev.parley.chat.bus.redis.RedisBus;
import dev.parley.chat.bus.redis.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What an ack that waits for a replica costs ({@code parley.redis.replicas=1} against 0), on the bus alone:
 * a master and its replica on loopback, and senders that each send their next message once the last is
 * acknowledged, each to a room of its own; both Redis processes on core 0, the senders on core 1. Rounds alternate between the two settings on the same Redis, so
 * that the machine's noise falls on both alike. Prints, per setting, the acks per second, the ack time's
 * p50 and p99, and the master's and the replica's CPU per send; then the ratios.
 *
 * <pre>src/bench/run replicas</pre>
 */
public final class ReplicaAckBench {

    private static final HistoryLimits LIMITS = new HistoryLimits(1000, Duration.ofHours(1), 1 << 20,
            Duration.ofMinutes(5));
    private static final String TEXT = "x".repeat(100);

    private ReplicaAckBench() {
    }

    public static void main(String[] args) throws Exception {
        int senders = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Duration length = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 3);
        try (RedisProcess master = RedisProcess.start()) {
            master.command("CONFIG", "SET", "repl-diskless-sync-delay", "0");
            try (RedisProcess replica = RedisProcess.replicaOf(master.port())) {
                awaitInSync(replica);
                new ServerProcess(master.pid()).pinTo("0"); // the bench runs on core 1
                new ServerProcess(replica.pid()).pinTo("0");
                List<Setting> settings = List.of(new Setting(master, 0), new Setting(master, 1));
                for (Setting setting : settings) {
                    setting.round(senders, Duration.ofSeconds(2), null, null); // warm-up
                }
                for (int round = 0; round < rounds; round++) {
                    for (Setting setting : settings) {
                        setting.round(senders, length, new ServerProcess(master.pid()), new ServerProcess(replica.pid()));
                    }
                }
                System.out.printf("%d senders, %d rounds of %d s per setting, alternating (master and replica on core 0)%n",
                        senders, rounds, length.toSeconds());
                System.out.println("| parley.redis.replicas | acks/s (median round) | ack p50 | ack p99 | master CPU per send | replica CPU per send | failed |");
                System.out.println("|---|---|---|---|---|---|---|");
                for (Setting setting : settings) {
                    System.out.println(setting.row());
                }
                Setting none = settings.get(0);
                Setting one = settings.get(1);
                System.out.printf("replicas=1 against 0: acks/s %.2fx, p50 %.2fx, p99 %.2fx, master CPU per send %.2fx%n",
                        one.perSecond() / none.perSecond(), one.p(50) / none.p(50), one.p(99) / none.p(99),
                        one.masterMicrosPerSend() / none.masterMicrosPerSend());
                settings.forEach(Setting::close);
            }
        }
    }

    private static void awaitInSync(RedisProcess replica) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!((String) replica.command("INFO", "replication")).contains("master_link_status:up")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the replica never synced");
            }
            Thread.sleep(20);
        }
    }

    /** One setting's bus, and what its measured rounds gave. */
    private static final class Setting {
        private final int replicas;
        private final RedisBus bus;
        private final Histogram acks = new Histogram(3);
        private final List<Double> perSecond = new ArrayList<>();
        private long sends;
        private long masterNanos;
        private long replicaNanos;
        private long failed;

        Setting(RedisProcess master, int replicas) {
            this.replicas = replicas;
            this.bus = RedisBus.connect(new ClusterSettings(master.uri(), "bench-" + replicas, Duration.ofSeconds(15),
                    Duration.ofSeconds(5), replicas), LIMITS, () -> {
                    });
        }

        /** Sends for {@code length}; measured only if given the processes. */
        void round(int senders, Duration length, ServerProcess master, ServerProcess replica) throws InterruptedException {
            Recorder recorder = new Recorder(3);
            LongAdder done = new LongAdder();
            LongAdder failures = new LongAdder();
            AtomicLong cids = new AtomicLong();
            CountDownLatch finished = new CountDownLatch(senders);
            long masterBefore = master == null ? 0 : master.cpuNanos();
            long replicaBefore = replica == null ? 0 : replica.cpuNanos();
            long start = System.nanoTime();
            long deadline = start + length.toNanos();
            for (int s = 0; s < senders; s++) {
                send(Stream.room("bench-" + replicas + "-" + s), deadline, recorder, done, failures, cids, finished);
            }
            finished.await();
            long wall = System.nanoTime() - start;
            if (master == null) {
                return;
            }
            masterNanos += master.cpuNanos() - masterBefore;
            replicaNanos += replica.cpuNanos() - replicaBefore;
            sends += done.sum();
            failed += failures.sum();
            perSecond.add(done.sum() * 1e9 / wall);
            acks.add(recorder.getIntervalHistogram());
        }

        private void send(Stream room, long deadline, Recorder recorder, LongAdder done, LongAdder failures,
                AtomicLong cids, CountDownLatch finished) {
            if (System.nanoTime() > deadline) {
                finished.countDown();
                return;
            }
            long sent = System.nanoTime();
            bus.append(room, new Draft("bench", Optional.empty(), TEXT, Optional.of(Long.toString(cids.incrementAndGet()))))
                    .whenComplete((appended, failure) -> {
                        if (failure == null) {
                            recorder.recordValue(System.nanoTime() - sent);
                            done.increment();
                        } else {
                            failures.increment();
                        }
                        send(room, deadline, recorder, done, failures, cids, finished);
                    });
        }

        double perSecond() {
            List<Double> sorted = perSecond.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        double p(double percentile) {
            return acks.getValueAtPercentile(percentile) / 1e6;
        }

        double masterMicrosPerSend() {
            return masterNanos / 1e3 / sends;
        }

        String row() {
            return String.format("| %d | %,.0f | %.2f ms | %.2f ms | %.1f µs | %.1f µs | %d |", replicas, perSecond(), p(50),
                    p(99), masterMicrosPerSend(), replicaNanos / 1e3 / sends, failed);
        }

        void close() {
            bus.close();
        }
    }
}
