package dev.parley.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Chat protocol v2 against v1 on the same server in the same run (issue #11): fan-out cost, users joining
 * one after another, the replay of missed messages, and the heap a retained message costs. The heap suite
 * needs a server started with a {@code parley.history.size} of at least its events; {@code src/bench/run v2}
 * starts one, once with the default dedupe window and once with {@code parley.send.dedupe-seconds=0}.
 */
final class V2Bench {

    record Scale(int fanOutUsers, int fanOutSenders, int fanOutMessages, int joiningUsers, List<Integer> registering,
            int missed, int replays, int heapEvents, List<Integer> textLengths) {

        static final Scale QUICK = new Scale(20, 4, 300, 500, List.of(100, 200), 1_000, 10, 5_000, List.of(32, 256));
        static final Scale FULL = new Scale(100, 10, 3_000, 5_000, List.of(500, 1_000), 1_000, 50, 100_000,
                List.of(32, 256));
    }

    private static final int WINDOW = 8;
    /** Blocks of the four fan-out phases: their spread shows how far one run's ratio can be trusted. */
    private static final int FANOUT_BLOCKS = 2;
    /** Longer than the presence interval (250 ms): the crowd's joins are told before the load starts. */
    private static final long PRESENCE_SETTLE_MILLIS = 600;

    private final Target target;
    private final Scale scale;
    private final FanOutBench fanOut;

    V2Bench(Target target, Scale scale) {
        this.target = target;
        this.scale = scale;
        this.fanOut = new FanOutBench(target);
    }

    /**
     * Warms the server up (connections, both protocols' fan-out and entry, unrecorded), then gives the
     * scenarios: fan-out, v2 joins and v1 registrations one after another, replay.
     */
    Map<String, Callable<List<Result>>> protocolSuite() throws Exception {
        new ConnectBench(target).warmUp(5_000, 4);
        fanOut.fanOut(20, 4, 1_000, WINDOW);
        fanOut.fanOut(Dialect.v2("warm-up"), "warm-up", 20, 4, 1_000, WINDOW);
        JoinBench joins = new JoinBench(target);
        joins.oneByOne("warm-up", Dialect.v2("warm-up-join"), 1_000);
        joins.oneByOne("warm-up", Dialect.v1(), 100);

        Map<String, Callable<List<Result>>> scenarios = new LinkedHashMap<>();
        scenarios.put("fanout", this::fanOutBothProtocols);
        for (String room : List.of("join-1", "join-2")) { // twice, to show the spread
            scenarios.put("v2-" + room, () -> List.of(joins.oneByOne("v2-join", Dialect.v2(room),
                    scale.joiningUsers())));
        }
        for (int users : scale.registering()) {
            scenarios.put("v1-register-" + users, () -> List.of(joins.oneByOne("v1-register", Dialect.v1(), users)));
        }
        scenarios.put("v2-replay", () -> List.of(new ReplayBench(target, fanOut).replay(scale.missed(),
                scale.replays(), 10, WINDOW)));
        return scenarios;
    }

    /** The heap per retained message, one scenario per text length. */
    Map<String, Callable<List<Result>>> heapSuite(int dedupeSeconds) throws Exception {
        new HeapBench(target, fanOut).warmUp(2_000, WINDOW);
        Map<String, Callable<List<Result>>> scenarios = new LinkedHashMap<>();
        for (int chars : scale.textLengths()) {
            scenarios.put("v2-heap-" + chars, () -> List.of(new HeapBench(target, fanOut)
                    .retained(scale.heapEvents(), chars, dedupeSeconds, WINDOW)));
        }
        return scenarios;
    }

    /**
     * v1 in lobby and v2 in a room, the same crowd and load, in blocks of four phases: v1, v2, v2, v1, so
     * that a drift over a block (the machine's other load, say) weighs on both alike. Both crowds are
     * there throughout; each phase is one result.
     */
    private List<Result> fanOutBothProtocols() throws InterruptedException {
        int users = scale.fanOutUsers();
        int senders = scale.fanOutSenders();
        ChatCrowd v1 = new ChatCrowd(target, Dialect.v1(), users, senders);
        ChatCrowd v2 = new ChatCrowd(target, Dialect.v2("fanout"), users, senders);
        try {
            Thread.sleep(PRESENCE_SETTLE_MILLIS);
            List<Result> phases = new ArrayList<>();
            for (int block = 1; block <= FANOUT_BLOCKS; block++) {
                for (ChatCrowd crowd : List.of(v1, v2, v2, v1)) {
                    target.process().awaitQuiet();
                    String scenario = crowd == v1 ? "fanout" : "v2-fanout";
                    phases.add(fanOut.broadcast(crowd, scenario, users, senders, scale.fanOutMessages(), WINDOW)
                            .figure("block", block).figure("phase", phases.size() + 1).build());
                }
            }
            return phases;
        } finally {
            v1.close();
            v2.close();
        }
    }

    /** Retained v2 messages against their JSON: live heap after a full collection, before and after a fill. */
    private static final class HeapBench {
        private final Target target;
        private final FanOutBench fanOut;

        HeapBench(Target target, FanOutBench fanOut) {
            this.target = target;
            this.fanOut = fanOut;
        }

        /** A first room and its sender: whatever the first of them allocates once is not billed to the events. */
        void warmUp(int events, int window) throws InterruptedException {
            fill(Dialect.v2("heap-warm-up"), events, 32, window);
        }

        Result retained(int events, int textChars, int dedupeSeconds, int window)
                throws InterruptedException, IOException {
            target.process().awaitQuiet();
            LiveHeap before = LiveHeap.of(target.process());
            Result fill = fill(Dialect.v2("heap-" + textChars), events, textChars, window);
            target.process().awaitQuiet(); // the chat log's queue drains, closed connections are let go
            LiveHeap after = LiveHeap.of(target.process());
            double perEvent = (after.bytes() - before.bytes()) / (double) events;
            double json = fill.figures().get("json_bytes_per_event");
            return target.result("v2-heap").figure("events", events).figure("text_chars", textChars)
                    .figure("dedupe_seconds", dedupeSeconds).figure("heap_bytes_per_event", perEvent)
                    .figure("json_bytes_per_event", json).figure("heap_vs_json", perEvent / json)
                    .figure("complete", fill.figures().get("complete"))
                    .note("growth per event by class: " + after.growthPerUnit(before, events, 12))
                    .build();
        }

        /** One v2 user joins {@code room} alone and sends {@code events} messages to it, then goes. */
        private Result fill(Dialect room, int events, int textChars, int window) throws InterruptedException {
            ChatCrowd sender = new ChatCrowd(target, room, 1, 1);
            try {
                sender.padTo(textChars);
                Result.Builder fill = fanOut.broadcast(sender, "fill", 1, 1, events, window);
                return fill.figure("json_bytes_per_event", sender.meanFrameChars()).build();
            } finally {
                sender.close();
            }
        }
    }
}
