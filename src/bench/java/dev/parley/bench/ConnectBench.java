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
 * Connections per second, then memory per idle connection: {@code count} connections to {@code /echo} are
 * opened and held, from several loopback source addresses (127.0.0.2 and up) so that their number is not
 * capped by one address's ephemeral ports.
 */
final class ConnectBench {

    private static final int PER_SOURCE_ADDRESS = 25_000;
    private static final int GIVE_UP_AFTER = 500;

    private final Target target;

    ConnectBench(Target target) {
        this.target = target;
    }

    Result connect(int count, int threads) throws InterruptedException {
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
                        RawWebSocket socket = RawWebSocket.open(target.echo(), null, 0, sourceAddress(i));
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
        Meter.Sample sample = meter.stop(open.size() - refused.get());
        Thread.sleep(2_000); // let the server settle before reading its memory
        long rssAfter = target.process().rssKiB();
        int held = open.size() - refused.get();
        synchronized (open) {
            open.forEach(ConnectBench::closeQuietly);
        }
        return target.result("connect").sample(sample, "connection")
                .figure("held", held).figure("refused", refused.get())
                .figure("rss_before_kib", rssBefore).figure("rss_after_kib", rssAfter)
                .figure("kib_per_idle_connection", held == 0 ? -1 : (double) (rssAfter - rssBefore) / held)
                .note(refused.get() == 0 ? "" : refused.get() + " connections refused or failed; " + held + " of " + count
                        + " held")
                .build();
    }

    private static InetAddress sourceAddress(int connection) {
        int n = 2 + connection / PER_SOURCE_ADDRESS;
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
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
