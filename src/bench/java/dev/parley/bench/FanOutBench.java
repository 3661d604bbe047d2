package dev.parley.bench;

import dev.parley.it.RawWebSocket;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /chat} fan-out: senders broadcast to every registered user, each sender keeping a few messages in
 * flight (it sends the next when its own copy comes back). Then the same with one receiver that never
 * reads: what it costs everyone else is the measure of a non-blocking message path.
 */
final class FanOutBench {

    /** A large private message, to fill the stalled receiver's socket buffers before the broadcast starts. */
    private static final String FILLER = "x".repeat(32 * 1024);

    private final Target target;
    /** Whose CPU a phase is billed: the target's server, or all the processes of a cluster. */
    private final List<ServerProcess> measured;

    FanOutBench(Target target) {
        this(target, List.of(target.process()));
    }

    /** Results named after {@code target}, with the CPU of all of {@code measured}. */
    FanOutBench(Target target, List<ServerProcess> measured) {
        this.target = target;
        this.measured = List.copyOf(measured);
    }

    Result fanOut(int users, int senders, int messages, int window) throws InterruptedException {
        return fanOut(Dialect.v1(), "fanout", users, senders, messages, window);
    }

    /** The same, in a crowd that speaks {@code dialect}. */
    Result fanOut(Dialect dialect, String scenario, int users, int senders, int messages, int window)
            throws InterruptedException {
        ChatCrowd crowd = new ChatCrowd(target, dialect, users, senders);
        try {
            return broadcast(crowd, scenario, users, senders, messages, window).build();
        } finally {
            crowd.close();
        }
    }

    /**
     * One sender to {@code users} users, without and with one more receiver that never reads, in the order
     * without, with, with, without: a drift over the run (the server still warming up, say) then weighs on
     * both sides alike, and what remains is the stalled receiver's cost.
     */
    Result stalledReceiver(int users, int messages, int window) throws InterruptedException, IOException {
        ChatCrowd crowd = new ChatCrowd(target, users, 1);
        try {
            double without = rate(broadcast(crowd, "baseline", users, 1, messages, window));
            Result.Builder withStalled;
            double with;
            boolean cutOff;
            try (RawWebSocket stalled = RawWebSocket.open(target.chat(), null, 4096, null)) {
                stalled.sendText("{\"type\":\"register\",\"uuid\":\"stalled\",\"content\":\"never reads\"}");
                crowd.awaitLogins((long) users * (users + 1) / 2 + users);
                for (int i = 0; i < 200; i++) {
                    crowd.sendPrivate(0, "stalled", FILLER);
                }
                withStalled = broadcast(crowd, "fanout-stalled", users, 1, messages, window);
                with = rate(withStalled) + rate(broadcast(crowd, "fanout-stalled", users, 1, messages, window));
                cutOff = crowd.someoneLeft();
            }
            without += rate(broadcast(crowd, "baseline", users, 1, messages, window));
            // the rates are the means of each side's two phases; latency and CPU are the first phase's with it
            return withStalled.figure("delivery_per_s", with / 2).figure("baseline_delivery_per_s", without / 2)
                    .figure("rate_vs_baseline", with / without)
                    .figure("stalled_cut_off", cutOff ? 1 : 0)
                    .build();
        } finally {
            crowd.close();
        }
    }

    private static double rate(Result.Builder phase) {
        return phase.build().figures().get("delivery_per_s");
    }

    /**
     * The first {@code senders} of the crowd's {@code users} send {@code messages} each to all, each keeping
     * {@code window} in flight, until every user has every message or the time is up.
     */
    Result.Builder broadcast(ChatCrowd crowd, String scenario, int users, int senders, int messages,
            int window) throws InterruptedException {
        crowd.reset();
        AtomicInteger[] sent = new AtomicInteger[senders];
        for (int s = 0; s < senders; s++) {
            sent[s] = new AtomicInteger();
        }
        crowd.pace((sender, sequence) -> {
            int next = sent[sender].getAndIncrement();
            if (next < messages) {
                crowd.send(sender, next);
            }
        });
        long expected = (long) users * senders * messages;
        Duration timeout = Duration.ofSeconds(60 + expected / 20_000);
        Meter meter = Meter.start(measured);
        for (int s = 0; s < senders; s++) {
            for (int w = 0; w < window; w++) {
                crowd.send(s, sent[s].getAndIncrement());
            }
        }
        long until = System.nanoTime() + timeout.toNanos();
        while (crowd.delivered() < expected && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        Meter.Sample sample = meter.stop(crowd.delivered());
        String note = crowd.delivered() == expected ? ""
                : "incomplete: " + crowd.delivered() + " of " + expected + " deliveries within " + timeout.toSeconds()
                        + " s";
        return target.result(scenario).figure("users", users).figure("senders", senders)
                .figure("messages_per_sender", messages).sample(sample, "delivery").latency(crowd.latencies())
                .figure("faults", crowd.faults()).figure("complete", crowd.delivered() == expected ? 1 : 0)
                .note(note);
    }
}
