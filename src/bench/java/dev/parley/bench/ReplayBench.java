package dev.parley.bench;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;

/**
 * A v2 member that missed messages comes back: {@code join} with {@code since} at the last message it saw,
 * answered by {@code joined} and the replay of every message after it. One sender fills a room, then one
 * member leaves and resumes again and again; each resume is timed from sending the join to receiving the
 * last replayed message.
 */
final class ReplayBench {

    private static final String ROOM = "replay";
    private static final Predicate<String> JOINED_OR_MESSAGE =
            frame -> frame.startsWith("{\"type\":\"joined\"") || frame.startsWith("{\"type\":\"message\"");

    private final Target target;
    private final FanOutBench fanOut;

    ReplayBench(Target target, FanOutBench fanOut) {
        this.target = target;
        this.fanOut = fanOut;
    }

    /**
     * Fills the room with {@code missed} messages, then resumes {@code warmUps} times unrecorded and
     * {@code repetitions} times recorded. The server's CPU is the recorded resumes' with their leaves.
     */
    Result replay(int missed, int repetitions, int warmUps, int window)
            throws InterruptedException, TimeoutException {
        Dialect dialect = Dialect.v2(ROOM);
        ChatCrowd sender = new ChatCrowd(target, dialect, 1, 1);
        try {
            fanOut.broadcast(sender, "fill", 1, 1, missed, window);
        } finally {
            sender.close();
        }
        LongAdder bytes = new LongAdder();
        ChatClient member = new ChatClient(target, dialect, bytes);
        try {
            member.request("{\"type\":\"hello\",\"user\":\"returning\"}", "{\"type\":\"welcome\"");
            String joined = member.request(dialect.join(), "{\"type\":\"joined\"");
            String epoch = stringField(joined, "epoch");
            long last = Long.parseLong(numberField(joined, "seq"));
            member.request(dialect.leave(), "{\"type\":\"left\"");
            for (int i = 0; i < warmUps; i++) {
                resume(member, dialect, epoch, last, missed);
            }
            Histogram nanos = new Histogram(3);
            long bytesBefore = bytes.sum();
            Meter meter = Meter.start(target.process());
            for (int i = 0; i < repetitions; i++) {
                nanos.recordValue(resume(member, dialect, epoch, last, missed));
            }
            Meter.Sample sample = meter.stop(repetitions);
            return target.result("v2-replay").figure("missed", missed).figure("repetitions", repetitions)
                    .figure("p50_ms", nanos.getValueAtPercentile(50) / 1e6)
                    .figure("p99_ms", nanos.getValueAtPercentile(99) / 1e6)
                    .figure("max_ms", nanos.getMaxValue() / 1e6)
                    // the joined and left replies included: some 200 bytes per resume
                    .figure("bytes_per_replayed_message", (bytes.sum() - bytesBefore) / (double) repetitions / missed)
                    .sample(sample, "replay").build();
        } finally {
            member.close();
        }
    }

    /** One resume, checked: join since {@code last - missed}, then leave again. Returns the join's nanoseconds. */
    private static long resume(ChatClient member, Dialect dialect, String epoch, long last, int missed)
            throws InterruptedException, TimeoutException {
        long start = System.nanoTime();
        ChatClient.Answer answer = member.request(dialect.join(epoch, last - missed), JOINED_OR_MESSAGE, missed + 1);
        long nanos = answer.lastNanos() - start;
        if (!answer.first().contains("\"recovered\":true,\"missed\":" + missed + ",")
                || !answer.last().contains("\"seq\":" + last + ",")) {
            throw new IllegalStateException("not a full replay of " + missed + ": " + answer.first() + " ... "
                    + answer.last());
        }
        member.request(dialect.leave(), "{\"type\":\"left\"");
        return nanos;
    }

    private static String stringField(String json, String name) {
        int start = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
        return json.substring(start, json.indexOf('"', start));
    }

    private static String numberField(String json, String name) {
        int start = json.indexOf("\"" + name + "\":") + name.length() + 3;
        int end = start;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return json.substring(start, end);
    }
}
