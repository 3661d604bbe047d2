package dev.parley.bench;

import dev.parley.it.RawWebSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections per second, then memory per idle connection: rounds of {@code count} connections to
 * {@code /echo} are opened, held and closed, from several loopback source addresses (127.0.{round}.2 and
 * up) so that their number is not capped by one address's ephemeral ports.
 */
final class ConnectBench {

    private static final int PER_SOURCE_ADDRESS = 25_000;
    private static final int GIVE_UP_AFTER = 500;

    private final Target target;
    /** Rounds run so far: each connects from its own source addresses. */
    private int rounds;

    ConnectBench(Target target) {
        this.target = target;
    }

    /** Opens, holds and closes {@code count} connections, unrecorded. */
    void warmUp(int count, int threads) throws InterruptedException {
        round(count, threads);
    }

    /**
     * Two rounds of {@code count} connections. A JVM compiles the handshake path only after some 10,000
     * handshakes: after a warm-up of 5,000, compiling it was half of WildFly's CPU in a single round. So
     * the CPU figures are the second round's, each server's steady state, and the memory figures the
     * first round's: a server keeps the heap it grew for the first round's connections.
     */
    Result measure(int count, int threads) throws InterruptedException {
        Round first = round(count, threads);
        target.process().awaitQuiet();
        Round second = round(count, threads);
        int refused = first.refused() + second.refused();
        return target.result("connect").sample(second.sample(), "connection")
                .figure("first_round_cpu_us_per_connection", first.sample().cpuMicrosPerUnit())
                .figure("held", first.held()).figure("refused", refused)
                .figure("rss_before_kib", first.rssBeforeKiB()).figure("rss_after_kib", first.rssAfterKiB())
                .figure("kib_per_idle_connection",
                        first.held() == 0 ? -1 : (double) (first.rssAfterKiB() - first.rssBeforeKiB()) / first.held())
                .note(refused == 0 ? "" : refused + " connections refused or failed; " + first.held() + " and "
                        + second.held() + " of " + count + " held")
                .build();
    }

    private record Round(Meter.Sample sample, int held, int refused, long rssBeforeKiB, long rssAfterKiB) {
    }

    private Round round(int count, int threads) throws InterruptedException {
        int round = rounds++;
        List<RawWebSocket> open = Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        long rssBefore = target.process().rssKiB();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Meter meter = Meter.start(target.process());
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                // a server that refuses hundreds is at its limit: the rest would only wait out time-outs
                for (int i = next.getAndIncrement(); i < count && refused.get() < GIVE_UP_AFTER;
                        i = next.getAndIncrement()) {
                    try {
                        RawWebSocket socket = RawWebSocket.open(target.echo(), null, 0, sourceAddress(round, i));
                        open.add(socket);
                        if (socket.status() != 101) {
                            refused.incrementAndGet();
                        }
                    } catch (IOException e) {
                        refused.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.MINUTES);
        int held = open.size() - refused.get();
        Meter.Sample sample = meter.stop(held);
        Thread.sleep(2_000); // let the server settle before reading its memory
        long rssAfter = target.process().rssKiB();
        synchronized (open) {
            open.forEach(ConnectBench::closeQuietly);
        }
        return new Round(sample, held, refused.get(), rssBefore, rssAfter);
    }

    /**
     * Each round its own addresses, 127.0.{round}.2 and up: the last round's closed connections hold
     * their ports in TIME_WAIT for a minute, and a second round from the same address ran out of ports.
     */
    private static InetAddress sourceAddress(int round, int connection) {
        int n = 2 + connection / PER_SOURCE_ADDRESS;
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, (byte) round, (byte) n});
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(RawWebSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // the server may have dropped it already
        }
    }
}
