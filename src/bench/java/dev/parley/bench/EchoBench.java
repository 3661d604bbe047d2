package dev.parley.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code /echo}: round trips with each connection waiting for its answer; messages pipelined without
 * waiting; and latency under a fixed offered load, measured from when each message was due to be sent
 * (so that a server that falls behind shows it, rather than slowing the generator down).
 */
final class EchoBench {

    private static final String PREFIX = "Echo: ";

    private final Target target;

    EchoBench(Target target) {
        this.target = target;
    }

    Result roundTrips(int connections, Duration duration) throws InterruptedException {
        List<Histogram> histograms = new ArrayList<>();
        AtomicLong count = new AtomicLong();
        CountDownLatch stopped = new CountDownLatch(connections);
        long[] end = new long[1];
        List<BenchSocket> sockets = new ArrayList<>();
        List<Runnable> starts = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Histogram histogram = new Histogram(3);
            histograms.add(histogram);
            long[] sentAt = new long[1];
            BenchSocket[] self = new BenchSocket[1];
            Runnable next = () -> {
                sentAt[0] = System.nanoTime();
                self[0].send("round trip");
            };
            self[0] = BenchSocket.open(target.client(), target.echo(), reply -> {
                long now = System.nanoTime();
                histogram.recordValue(now - sentAt[0]);
                count.incrementAndGet();
                if (now < end[0]) {
                    next.run();
                } else {
                    stopped.countDown();
                }
            });
            sockets.add(self[0]);
            starts.add(next);
        }
        end[0] = System.nanoTime() + duration.toNanos();
        Meter meter = Meter.start(target.process());
        starts.forEach(Runnable::run);
        boolean finished = stopped.await(duration.toSeconds() + 30, TimeUnit.SECONDS);
        Meter.Sample sample = meter.stop(count.get());
        sockets.forEach(BenchSocket::close);
        Histogram all = new Histogram(3);
        histograms.forEach(all::add);
        return target.result("echo").sample(sample, "round_trip").latency(all)
                .figure("connections", connections)
                .note(finished ? "" : "some connections stopped answering").build();
    }

    Result pipeline(int messages, int window) throws InterruptedException {
        AtomicLong received = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        BenchSocket[] self = new BenchSocket[1];
        self[0] = BenchSocket.open(target.client(), target.echo(), reply -> {
            long got = received.incrementAndGet();
            if (got == messages) {
                done.countDown();
            } else if (sent.get() < messages) {
                sent.incrementAndGet();
                self[0].send("pipelined");
            }
        });
        Meter meter = Meter.start(target.process());
        for (int i = 0; i < window; i++) {
            sent.incrementAndGet();
            self[0].send("pipelined");
        }
        boolean finished = done.await(300, TimeUnit.SECONDS);
        Meter.Sample sample = meter.stop(received.get());
        self[0].close();
        return target.result("pipeline").sample(sample, "message").figure("window", window)
                .note(finished ? "" : "only " + received.get() + " of " + messages + " answers").build();
    }

    /** Messages at {@code rate} per second spread over {@code connections}; latency from when each was due. */
    Result atRate(int rate, int connections, Duration duration) throws InterruptedException {
        Recorder latencies = new Recorder(3);
        AtomicLong received = new AtomicLong();
        List<BenchSocket> sockets = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            sockets.add(BenchSocket.open(target.client(), target.echo(), reply -> {
                latencies.recordValue(System.nanoTime() - Long.parseLong(reply.substring(PREFIX.length())));
                received.incrementAndGet();
            }));
        }
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long sent = 0;
        Meter meter = Meter.start(target.process());
        for (long due = start; due < end; due += interval) {
            long wait = due - System.nanoTime();
            if (wait > 20_000) {
                LockSupport.parkNanos(wait);
            }
            sockets.get((int) (sent++ % connections)).send(Long.toString(due));
        }
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received.get() < sent && System.nanoTime() < drainUntil) {
            Thread.sleep(5);
        }
        Meter.Sample sample = meter.stop(received.get());
        sockets.forEach(BenchSocket::close);
        return target.result("echo-at-rate").figure("offered_per_s", rate).sample(sample, "message")
                .latency(latencies.getIntervalHistogram())
                .note(received.get() == sent ? "" : (sent - received.get()) + " of " + sent + " unanswered")
                .build();
    }
}
