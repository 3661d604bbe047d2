package dev.parley.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parley.config.ParleyConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What {@link KeepAlive}'s rounds do to one connection as its clock moves on: ping it, keep it or drop it. */
class KeepAliveRoundTest {

    /** Counts pings, completing each at once; remembers the close. */
    private static final class PingCounter implements Transport {
        int pings;
        CloseReason closedWith;
        /** Set once the peer has gone without the container saying so: every write fails from then on. */
        boolean peerGone;

        @Override
        public void sendPing(ByteBuffer payload, SendHandler done) {
            pings++;
            done.onResult(new SendResult());
        }

        @Override
        public void sendText(String text, SendHandler done) {
            done.onResult(peerGone ? new SendResult(new IOException("Broken pipe")) : new SendResult());
        }

        @Override
        public void sendBinary(ByteBuffer data, SendHandler done) {
            done.onResult(new SendResult());
        }

        @Override
        public void close(CloseReason reason) {
            closedWith = reason;
        }
    }

    private final ManualTicker ticker = new ManualTicker();
    private final PingCounter transport = new PingCounter();
    /** Only its id is read, for the log line of a drop. */
    private final Session session = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(),
            new Class<?>[] {Session.class}, (proxy, method, args) -> method.getName().equals("getId") ? "s" : null);
    private final Connection connection = new Connection(session, ParleyEndpoint.CHAT, Optional.empty(),
            new Outbox("s", transport, Runnable::run, Runnable::run, OutboxLimits.strict(10, 1000), ticker),
            1000, new RateLimits(100, 100, 100), ticker);
    private final KeepAlive keepAlive = new KeepAlive();

    KeepAliveRoundTest() {
        keepAlive.ticker = ticker;
        keepAlive.config = new ParleyConfig() {
            @Override
            public Duration keepaliveInterval() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration keepaliveTimeout() {
                return Duration.ofSeconds(5);
            }
        };
        keepAlive.registry = new ConnectionRegistry() {
            @Override
            Stream<Connection> connections() {
                return Stream.of(connection);
            }
        };
    }

    @Test
    void aSilentPeerIsPingedOnceAfterTheIntervalAndDroppedWhenItDoesNotAnswer() {
        roundAfter(Duration.ofMillis(500));
        assertEquals(0, transport.pings, "not quiet for an interval yet");
        roundAfter(Duration.ofMillis(500));
        assertEquals(1, transport.pings, "quiet for an interval");
        roundAfter(Duration.ofSeconds(1));
        assertEquals(1, transport.pings, "no second ping while the first is unanswered");
        roundAfter(Duration.ofSeconds(3));
        assertNull(transport.closedWith, "silent for the timeout, not past it");

        roundAfter(Duration.ofSeconds(1));
        assertEquals(CloseReason.CloseCodes.GOING_AWAY, transport.closedWith.getCloseCode());
        assertEquals("no answer to ping", transport.closedWith.getReasonPhrase());
    }

    @Test
    void aPeerThatAnswersEveryPingIsKept() {
        for (int round = 0; round < 20; round++) {
            int pingsBefore = transport.pings;
            roundAfter(Duration.ofSeconds(1));
            if (transport.pings > pingsBefore) {
                ticker.advance(Duration.ofMillis(10));
                connection.heard(); // its pong
            }
        }
        assertNull(transport.closedWith, "20 s without a message, but every ping answered");
        assertEquals(20, transport.pings, "a ping after each interval of quiet since the last pong");
    }

    /**
     * Tyrus on Payara sometimes never reports a connection closed whose client dropped TCP (ChurnOrderIT: no
     * onClose, no onError, and the writes to it fail with "Connection is closed"). Such a connection must still
     * be closed, by the failed write or at the latest by keepalive, rather than stay registered, holding its
     * user's name, for good.
     */
    @Test
    void aPeerThatVanishedUnreportedIsClosedOnceAWriteToItFails() {
        roundAfter(Duration.ofMillis(500));
        transport.peerGone = true;
        connection.send("a message of the room, to a peer that is gone");
        for (int round = 0; round < 6 && transport.closedWith == null; round++) {
            roundAfter(Duration.ofSeconds(1));
        }
        assertNotNull(transport.closedWith, "closed within keepalive's bound, timeout + interval");
    }

    private void roundAfter(Duration pause) {
        ticker.advance(pause);
        keepAlive.round();
    }
}
