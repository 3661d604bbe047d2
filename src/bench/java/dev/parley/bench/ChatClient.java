package dev.parley.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * One {@code /chat} connection driven request by request: it sends a request and waits for the frames that
 * answer it, keeping nothing else it receives (a v1 user of a crowd receives gigabytes). Every frame's
 * size is added to a counter that clients may share.
 */
final class ChatClient {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The last of {@code count} frames that answered a request, the first of them, and when the last came. */
    record Answer(String first, String last, long lastNanos) {
    }

    /** What the client waits for: {@code count} frames that {@code matches}; the others are dropped. */
    private static final class Expectation {
        final Predicate<String> matches;
        final int count;
        final CompletableFuture<Answer> answer = new CompletableFuture<>();
        int seen;
        String first;

        Expectation(Predicate<String> matches, int count) {
            this.matches = matches;
            this.count = count;
        }
    }

    private final BenchSocket socket;
    private volatile Expectation expected;

    /** {@code bytesReceived} counts the payload characters of every frame (bytes: all are ASCII here). */
    ChatClient(Target target, Dialect dialect, LongAdder bytesReceived) {
        this.socket = BenchSocket.open(target.client(), target.chat(), dialect.subprotocol(), text -> {
            bytesReceived.add(text.length());
            received(text);
        });
    }

    /** Sends {@code request} and waits for the first frame that starts with {@code replyPrefix}. */
    String request(String request, String replyPrefix) throws InterruptedException, TimeoutException {
        return request(request, frame -> frame.startsWith(replyPrefix), 1).first();
    }

    /** Sends {@code request} and waits for {@code count} frames that {@code matches}. */
    Answer request(String request, Predicate<String> matches, int count) throws InterruptedException, TimeoutException {
        Expectation expectation = new Expectation(matches, count);
        expected = expectation; // before sending: the answer may come at once
        socket.send(request);
        try {
            return expectation.answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer to " + request + " within " + TIMEOUT.toSeconds() + " s: got "
                    + expectation.seen + " of " + count);
        } finally {
            expected = null;
        }
    }

    /** Called on the socket's listener thread, one frame at a time. */
    private void received(String frame) {
        Expectation expectation = expected;
        if (expectation == null || expectation.answer.isDone() || !expectation.matches.test(frame)) {
            return;
        }
        if (expectation.seen++ == 0) {
            expectation.first = frame;
        }
        if (expectation.seen == expectation.count) {
            expectation.answer.complete(new Answer(expectation.first, frame, System.nanoTime()));
        }
    }

    void close() {
        socket.close();
    }
}
