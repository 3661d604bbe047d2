package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.protocol.ChatJson;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A connection hears only what was meant for it, even while other connections go away in the middle of
 * their traffic. Members of a busy room drop out (a reset, a FIN, a close frame; some with a small receive
 * buffer, so that frames are still queued for them), while newcomers open connections beside them and check
 * that they hear nothing but their own: an {@code /echo} connection its echo, a v1 {@code /chat} connection
 * its handshake.
 *
 * <p>Found on Payara Micro (ChurnOrderIT, once in CI): a v1 connection that had just opened got a v2 room
 * message meant for a member that had just gone. Payara recycles a finished request's response, and with it
 * the output stream object that Tyrus still writes to, for the next request; a write that comes after the
 * upgraded connection closed lands on whatever connection that next request is.
 * {@code -Dparley.crosstalk.seconds=N} runs it longer.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CrossTalkIT {

    private static final int SECONDS = Integer.getInteger("parley.crosstalk.seconds", 10);
    private static final int SENDERS = 2;
    private static final int LEAVERS = 4;
    private static final int NEWCOMERS = 3;
    /** How long a newcomer listens for frames that are not its own. */
    private static final Duration QUIET = Duration.ofMillis(50);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    private final String run = "ct" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36) + "-";
    private final String room = run + "room";
    private final Queue<String> foreign = new ConcurrentLinkedQueue<>();
    private final AtomicInteger newcomers = new AtomicInteger();
    private final AtomicInteger leavers = new AtomicInteger();
    private volatile boolean going = true;

    @Test
    void aConnectionHearsNothingMeantForAnotherAsOthersGoAway() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<?>> work = new ArrayList<>();
        try {
            for (int i = 0; i < SENDERS; i++) {
                String name = run + "sender" + i;
                work.add(pool.submit(() -> send(name)));
            }
            for (int i = 0; i < LEAVERS; i++) {
                int thread = i;
                work.add(pool.submit(() -> leave(thread)));
            }
            for (int i = 0; i < NEWCOMERS; i++) {
                boolean echo = i % 2 == 0;
                work.add(pool.submit(() -> listen(echo)));
            }
            Thread.sleep(SECONDS * 1000L);
        } finally {
            going = false;
            for (Future<?> future : work) {
                future.get();
            }
            pool.shutdownNow();
        }
        System.out.println("CrossTalkIT: " + newcomers + " newcomers beside " + leavers + " members that went away, "
                + foreign.size() + " heard something not theirs");
        if (!foreign.isEmpty()) {
            fail(foreign.size() + " newcomers heard frames meant for other connections; the first ones:\n  "
                    + String.join("\n  ", foreign.stream().limit(10).toList()));
        }
        assertTrue(newcomers.get() > 0 && leavers.get() > 0, "the test ran: newcomers and leavers");
    }

    private Void send(String name) throws IOException, InterruptedException {
        try (RawWebSocket ws = RawWebSocket.openV2(chat())) {
            ws.sendText(V2Json.write(new Request.Hello(name, Optional.empty(), Optional.empty())));
            ws.sendText(V2Json.write(new Request.Join(room, Optional.empty(), Optional.empty())));
            ws.readTimeout(Duration.ofMillis(1));
            for (int n = 0; going; n++) {
                ws.sendText(V2Json.write(new Request.SendToRoom(room, name + "#" + n, name + "#" + n, Optional.empty())));
                drain(ws);
                Thread.sleep(6); // about 150 a second each, under the rate limit
            }
        }
        return null;
    }

    /** Reads whatever has come, so that a sender's own connection never backs up. */
    private static void drain(RawWebSocket ws) throws IOException {
        try {
            while (true) {
                ws.read();
            }
        } catch (SocketTimeoutException e) {
            // nothing more for now
        }
    }

    /** Members that join the room, hear a little of it, and go in one of the ways a connection goes. */
    private Void leave(int thread) throws IOException {
        for (int round = 0; going; round++) {
            String name = run + "m" + thread + "-" + round;
            boolean slow = round % 2 == 0;
            RawWebSocket ws = RawWebSocket.open(chat(), null, slow ? 4096 : 0, null, V2User.SUBPROTOCOL);
            try {
                ws.sendText(V2Json.write(new Request.Hello(name, Optional.empty(), Optional.empty())));
                ws.sendText(V2Json.write(new Request.Join(room, Optional.empty(), Optional.empty())));
                List<String> got = new ArrayList<>();
                long lastSeq = -1;
                for (int heard = 0; heard < 3; ) {
                    String text = text(ws, got);
                    Event event = text == null ? null : V2Json.readEvent(text);
                    if (got.size() == 1 && !(event instanceof Event.Welcome)) {
                        foreign.add("member " + name + "'s first frame was not its welcome: " + got);
                    } else if (event instanceof Event.Message message) {
                        if (message.seq() <= lastSeq || !message.room().equals(Optional.of(room))) {
                            foreign.add("member " + name + " got a message out of its room's order: " + got);
                        }
                        lastSeq = message.seq();
                        heard++;
                    }
                }
                if (slow) {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(20, 200)); // frames pile up for it
                }
            } catch (ProtocolException | InterruptedException e) {
                throw new AssertionError(name + ": " + e, e);
            } finally {
                switch (round % 3) {
                    case 0 -> ws.cut();
                    case 1 -> ws.close();
                    default -> {
                        ws.sendClose(1000);
                        ws.close();
                    }
                }
                leavers.incrementAndGet();
            }
        }
        return null;
    }

    /** Newcomers, each on a connection of its own, that must hear only their own answers. */
    private Void listen(boolean echo) throws IOException {
        for (int n = 0; going; n++) {
            String probe = run + "probe" + n;
            try (RawWebSocket ws = RawWebSocket.open(echo ? Deployments.ws(base, "echo") : chat())) {
                List<String> heard = new ArrayList<>();
                if (echo) {
                    ws.sendText(probe);
                    expect(ws, heard, "Echo: " + probe);
                } else {
                    String first = text(ws, heard);
                    if (first != null && !isHandshake(first)) {
                        foreign.add("a v1 newcomer's first frame was not its handshake: " + heard);
                    }
                }
                ws.readTimeout(QUIET);
                try {
                    text(ws, heard);
                    foreign.add((echo ? "an echo" : "a v1 chat") + " newcomer heard more than its own: " + heard);
                } catch (SocketTimeoutException e) {
                    // quiet, as it should be
                }
                newcomers.incrementAndGet();
            }
        }
        return null;
    }

    private void expect(RawWebSocket ws, List<String> heard, String expected) throws IOException {
        String text = text(ws, heard);
        if (!expected.equals(text)) {
            foreign.add("an echo newcomer expected '" + expected + "' and heard " + heard);
        }
    }

    /** The next frame's text (null for a frame that is not text), recorded in {@code heard}. */
    private static String text(RawWebSocket ws, List<String> heard) throws IOException {
        RawWebSocket.Frame frame = ws.read();
        if (frame.opcode() != RawWebSocket.TEXT) {
            heard.add("opcode " + frame.opcode());
            return null;
        }
        heard.add(frame.text());
        return frame.text();
    }

    private static boolean isHandshake(String text) {
        try {
            return ChatJson.readServerEvent(text) instanceof ServerEvent.Handshake;
        } catch (ProtocolException e) {
            return false;
        }
    }

    private URI chat() {
        return Deployments.ws(base, "chat");
    }
}
