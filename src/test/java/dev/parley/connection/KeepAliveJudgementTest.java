package dev.parley.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When {@link Connection#seemsDead} takes a silent peer for dead, and when it must not. */
class KeepAliveJudgementTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long TIMEOUT = 5 * SECOND;
    private static final long ANSWER_WINDOW = 4 * SECOND;

    /** Holds every write until the test completes it; pings too. */
    private static final class HeldTransport implements Transport {
        final List<SendHandler> pending = new ArrayList<>();

        @Override
        public void sendText(String text, SendHandler done) {
            pending.add(done);
        }

        @Override
        public void sendBinary(ByteBuffer data, SendHandler done) {
            pending.add(done);
        }

        @Override
        public void sendPing(ByteBuffer payload, SendHandler done) {
            pending.add(done);
        }

        @Override
        public void close(CloseReason reason) {
        }

        void completeAll() {
            List<SendHandler> done = new ArrayList<>(pending);
            pending.clear();
            done.forEach(handler -> handler.onResult(new SendResult()));
        }
    }

    private final HeldTransport transport = new HeldTransport();
    private final ManualTicker ticker = new ManualTicker();
    private final long start = ticker.nanoTime();
    private final Connection connection = new Connection(null, ParleyEndpoint.CHAT, Optional.empty(),
            new Outbox("s", transport, Runnable::run, Runnable::run,
                    new OutboxLimits(1000, 1_000_000, Duration.ofSeconds(2)), ticker),
            1000, new RateLimits(100, 100, 100), ticker);

    @Test
    void aPongThatOvertakesTheCompletionOfThePingsWriteIsAnAnswer() {
        connection.ping();
        ticker.advance(Duration.ofMillis(1)); // a pong comes after its ping, not at the same reading
        connection.heard(); // the pong arrives before the container reports the ping written
        transport.completeAll();
        assertFalse(connection.seemsDead(ticker.nanoTime() + 7 * SECOND, TIMEOUT, ANSWER_WINDOW),
                "an answered ping does not count against the peer");
        connection.ping();
        assertEquals(1, transport.pending.size(), "and the next ping goes out");
    }

    @Test
    void aPeerThatDoesNotAnswerItsPingIsDeadOnceTheAnswerWindowHasPassed() {
        ticker.advance(Duration.ofMillis(1)); // a ping follows some silence: sent as heard, it would count as answered
        connection.ping();
        transport.completeAll();
        connection.ping();
        assertTrue(transport.pending.isEmpty(), "no second ping while the first is unanswered");
        assertFalse(connection.seemsDead(start + 3 * SECOND, TIMEOUT, ANSWER_WINDOW), "not silent for long yet");
        assertTrue(connection.seemsDead(ticker.nanoTime() + 6 * SECOND, TIMEOUT, ANSWER_WINDOW));
    }

    @Test
    void aPeerThatTakesNothingIsDeadWithoutAPing() {
        connection.send("never written"); // its write makes no progress
        assertTrue(connection.seemsDead(ticker.nanoTime() + 6 * SECOND, TIMEOUT, ANSWER_WINDOW));
    }
}
