package dev.parley.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Users entering one room one after another, each waiting for its own answer before the next connects:
 * v1 users registering in lobby (each login, with the whole user list, goes to everyone: the bytes grow
 * with the cube of the users), v2 users saying hello and joining a room. Measured: the time until the last
 * one is in, the server's CPU, and what the server sent, as the generator's clients received it.
 */
final class JoinBench {

    /** Presence is coalesced over 250 ms: once nothing has come for this long, the server has sent it all. */
    private static final long QUIET_MILLIS = 1_000;

    private final Target target;

    JoinBench(Target target) {
        this.target = target;
    }

    Result oneByOne(String scenario, Dialect dialect, int users) throws InterruptedException {
        LongAdder bytes = new LongAdder();
        List<ChatClient> clients = new ArrayList<>(users);
        Meter meter = Meter.start(target.process());
        String note = "";
        try {
            for (int i = 0; i < users; i++) {
                ChatClient client = new ChatClient(target, dialect, bytes);
                clients.add(client);
                for (Dialect.Step step : dialect.enter(dialect.user(i))) {
                    client.request(step.request(), step.replyPrefix());
                }
            }
        } catch (TimeoutException | RuntimeException e) {
            note = "stopped after " + clients.size() + " users: " + e.getMessage();
        }
        Meter.Sample entered = meter.stop(clients.size());
        long bytesWhenEntered = bytes.sum();
        Meter.Sample settled = settle(meter, bytes, clients.size());
        clients.forEach(ChatClient::close);
        return target.result(scenario).figure("users", users).figure("entered", clients.size())
                .figure("seconds", entered.wallNanos() / 1e9)
                .figure("mb_received", bytesWhenEntered / 1e6)
                .figure("settled_seconds", settled.wallNanos() / 1e9)
                .figure("settled_mb_received", bytes.sum() / 1e6)
                .sample(settled, "user").note(note).build();
    }

    /**
     * Waits until the clients have received nothing for {@link #QUIET_MILLIS} (at most ten minutes): what
     * arrives after the last user's own answer (the last logins to the others, a last presence) is part of
     * the bill. The figures stop at the last frame, not at the end of the quiet.
     */
    private static Meter.Sample settle(Meter meter, LongAdder bytes, int users) throws InterruptedException {
        Meter.Sample last = meter.stop(users);
        long seen = bytes.sum();
        long quietSince = System.nanoTime();
        long deadline = quietSince + 600_000_000_000L;
        while (System.nanoTime() - quietSince < QUIET_MILLIS * 1_000_000 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            long now = bytes.sum();
            if (now != seen) {
                seen = now;
                last = meter.stop(users);
                quietSince = System.nanoTime();
            }
        }
        return last;
    }
}
