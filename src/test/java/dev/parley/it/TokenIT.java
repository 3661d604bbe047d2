package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import dev.parley.chat.protocol.ChatJson;
import dev.parley.chat.protocol.ClientMessage;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import dev.parley.security.TestTokens;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #13 on a real server: Parley deployed in token mode (HS256, its settings in the WAR's own
 * microprofile-config.properties, at {@code /parley-token/}). A v2 user is who its token says; a forged,
 * unsigned or expired token, a user name instead of a token, a v1 register and a connection that never says
 * hello each get {@code unauthorized} and a 4001 close; an expired token closes with 4003 unless refreshed;
 * none of it disturbs the users chatting meanwhile. A user may hold several connections (its devices), and
 * its inbox keeps what comes while it is offline.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TokenIT {

    private static final int HELLO_TIMEOUT_SECONDS = 2;
    private static final int GRACE_SECONDS = 1;
    private static final int MAX_DEVICES = 2;

    @Deployment(testable = false)
    static WebArchive deployment() {
        WebArchive war = Deployments.parley();
        return war.addAsResource(new StringAsset(String.join("\n",
                "parley.auth.mode=token",
                "parley.auth.jwt.secret=" + TestTokens.SECRET,
                "parley.auth.jwt.audience=parley-it",
                "parley.auth.hello-timeout-seconds=" + HELLO_TIMEOUT_SECONDS,
                "parley.auth.grace-seconds=" + GRACE_SECONDS,
                "parley.auth.max-connections-per-user=" + MAX_DEVICES,
                "parley.ops.allowed-addresses=127.0.0.1")), "META-INF/microprofile-config.properties");
    }

    @ArquillianResource
    URL base;

    private URI chat() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "chat");
    }

    private static String token(String user) {
        return TestTokens.hs256(user, claims -> claims.audience("parley-it").claim("rooms", List.of("tea", "team-*")));
    }

    private RawWebSocket hello(String token) throws IOException {
        RawWebSocket ws = RawWebSocket.openV2(chat());
        assertEquals(101, ws.status());
        ws.sendText(V2Json.write(new Request.TokenHello(token, Optional.empty(), Optional.of("h"))));
        return ws;
    }

    private static Event next(RawWebSocket ws) throws IOException, ProtocolException {
        RawWebSocket.Frame frame = ws.read();
        assertEquals(RawWebSocket.TEXT, frame.opcode(), "a text frame, not close code " + frame.closeCode());
        return V2Json.readEvent(frame.text());
    }

    private static <T extends Event> T next(RawWebSocket ws, Class<T> type) throws IOException, ProtocolException {
        while (true) {
            Event event = next(ws);
            if (type.isInstance(event)) {
                return type.cast(event);
            }
            assertTrue(event instanceof Event.Presence || event instanceof Event.Ack, "unexpected " + event);
        }
    }

    /** An unauthorized error, then a close with {@code code}. */
    private static void refusedAndClosed(RawWebSocket ws, int code) throws IOException, ProtocolException {
        RawWebSocket.Frame frame = ws.read();
        if (code == 4001) {
            Event.Error error = assertInstanceOf(Event.Error.class, V2Json.readEvent(frame.text()));
            assertEquals(ErrorCode.UNAUTHORIZED, error.code(), error.toString());
            frame = ws.read();
        }
        assertEquals(RawWebSocket.CLOSE, frame.opcode());
        assertEquals(code, frame.closeCode());
    }

    @Test
    void usersAreWhoTheirTokensSayAndBadTokensAreShownTheDoor() throws Exception {
        try (RawWebSocket alice = hello(token("alice")); RawWebSocket bob = hello(token("bob"))) {
            assertEquals("alice", next(alice, Event.Welcome.class).user());
            assertEquals("bob", next(bob, Event.Welcome.class).user());
            alice.sendText(V2Json.write(new Request.Join("tea", Optional.empty(), Optional.empty())));
            next(alice, Event.Joined.class);
            bob.sendText(V2Json.write(new Request.Join("tea", Optional.empty(), Optional.empty())));
            next(bob, Event.Joined.class);
            bob.sendText(V2Json.write(new Request.Join("secret", Optional.empty(), Optional.of("j2"))));
            Event.Error forbidden = next(bob, Event.Error.class);
            assertEquals(ErrorCode.FORBIDDEN, forbidden.code(), "a room the token does not list");

            String otherKey = TestTokens.token(JWSAlgorithm.HS256, new MACSigner(TestTokens.SECRET.replace('a', 'z')),
                    "alice", claims -> claims.audience("parley-it"));
            String expired = TestTokens.hs256("alice", claims -> claims.audience("parley-it")
                    .expirationTime(Date.from(Instant.now().minusSeconds(60))));
            String otherAudience = TestTokens.hs256("alice", claims -> claims.audience("elsewhere"));
            String unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSIsImF1ZCI6InBhcmxleS1pdCJ9.";
            for (String bad : List.of(otherKey, expired, otherAudience, unsigned)) {
                try (RawWebSocket mallory = hello(bad)) {
                    refusedAndClosed(mallory, 4001);
                }
            }
            try (RawWebSocket named = RawWebSocket.openV2(chat())) {
                named.sendText(V2Json.write(new Request.Hello("alice", Optional.empty(), Optional.empty())));
                refusedAndClosed(named, 4001);
            }
            try (RawWebSocket tutorial = RawWebSocket.open(chat())) {
                assertInstanceOf(ServerEvent.Handshake.class, ChatJson.readServerEvent(tutorial.read().text()));
                tutorial.sendText(ChatJson.write(new ClientMessage.Register("al", "")));
                ServerEvent.Error error = assertInstanceOf(ServerEvent.Error.class,
                        ChatJson.readServerEvent(tutorial.read().text()));
                assertEquals(ErrorCode.UNAUTHORIZED, error.code());
                assertEquals(4001, tutorial.read().closeCode());
            }

            // alice and bob chatted on through all of it, as themselves
            alice.sendText(V2Json.write(new Request.SendToRoom("tea", "still here", "c1", Optional.empty())));
            Event.Message message = next(bob, Event.Message.class);
            assertEquals("alice", message.from());
            assertEquals("still here", message.text());
        }
    }

    /** Refused tokens are counted; metrics are for the addresses allowed to read them, here 127.0.0.1 only. */
    /** The browser page says hello with a token: the name shown, and the one others see, is the token's. */
    @Test
    void thePageJoinsWithAToken() throws Exception {
        String piaToken = TestTokens.hs256("pia", claims -> claims.audience("parley-it").claim("rooms", List.of("lobby")));
        try (RawWebSocket quinn = hello(TestTokens.hs256("quinn",
                claims -> claims.audience("parley-it").claim("rooms", List.of("lobby"))));
                BrowserUser pia = new BrowserUser(URI.create(base.toString()))) {
            next(quinn, Event.Welcome.class);
            quinn.sendText(V2Json.write(new Request.Join("lobby", Optional.empty(), Optional.empty())));
            next(quinn, Event.Joined.class);
            pia.joinWithToken(piaToken);
            assertEquals("connected as pia", pia.script("return document.getElementById('status').textContent;"));
            pia.awaitMembers(List.of("quinn", "pia"));
            pia.say("signed, not typed");
            Event.Message heard = next(quinn, Event.Message.class);
            assertEquals("pia", heard.from());
            assertEquals("signed, not typed", heard.text());
        }
    }

    @Test
    void refusalsAreCountedAndOnlyAllowedAddressesReadThem() throws Exception {
        URI metrics = URI.create(base + "api/metrics");
        String before = MetricsIT.scrape(metrics);
        try (RawWebSocket mallory = hello("not a token")) {
            refusedAndClosed(mallory, 4001);
        }
        String after = MetricsIT.scrape(metrics);
        assertEquals(1, MetricsIT.sample(after, "parley_errors_total", "code=\"unauthorized\"")
                - MetricsIT.sample(before, "parley_errors_total", "code=\"unauthorized\""), after);
        assertEquals(1, MetricsIT.sample(after, "parley_closes_total", "reason=\"unauthorized\"")
                - MetricsIT.sample(before, "parley_closes_total", "reason=\"unauthorized\""), after);

        for (String path : List.of("api/metrics", "api/health/live", "api/health/ready")) {
            assertEquals(403, statusFrom(InetAddress.getByName("127.0.0.2"), path), path + " from 127.0.0.2");
        }
    }

    /** The status of a GET of {@code path} sent from {@code local}. */
    private int statusFrom(InetAddress local, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + base.getPath() + path + " HTTP/1.1\r\nHost: " + base.getHost()
                    + ":" + base.getPort() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void silenceOrAnExpiredTokenEndsTheConnectionUnlessRefreshed() throws Exception {
        try (RawWebSocket silent = RawWebSocket.openV2(chat())) {
            long opened = System.nanoTime();
            refusedAndClosed(silent, 4001);
            long after = (System.nanoTime() - opened) / 1_000_000;
            assertTrue(after >= HELLO_TIMEOUT_SECONDS * 1000 - 100, "closed after " + after + " ms");
        }
        Instant soon = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS); // a JWT's exp is in whole seconds
        String shortLived = TestTokens.hs256("carol", claims -> claims.audience("parley-it")
                .expirationTime(Date.from(soon)));
        String dansShort = TestTokens.hs256("dan", claims -> claims.audience("parley-it").expirationTime(Date.from(soon)));
        try (RawWebSocket carol = hello(shortLived); RawWebSocket dan = hello(dansShort)) {
            next(carol, Event.Welcome.class);
            next(dan, Event.Welcome.class);
            dan.sendText(V2Json.write(new Request.Refresh(token("dan"), Optional.of("r1"))));
            assertEquals(Optional.of("r1"), next(dan, Event.Refreshed.class).ref());

            RawWebSocket.Frame closed = carol.read();
            long late = Instant.now().toEpochMilli() - soon.toEpochMilli();
            assertEquals(RawWebSocket.CLOSE, closed.opcode());
            assertEquals(4003, closed.closeCode());
            assertTrue(late >= GRACE_SECONDS * 1000 - 100, "closed " + late + " ms after the expiry");

            dan.sendText(V2Json.write(new Request.Join("team-blue", Optional.empty(), Optional.empty())));
            assertEquals("team-blue", next(dan, Event.Joined.class).room(), "dan's refreshed connection goes on");
        }
    }

    private static void send(RawWebSocket ws, Request request) throws IOException {
        ws.sendText(V2Json.write(request));
    }

    @Test
    void aUsersDevicesShareItsRoomsAndInboxAndPresenceTellsTheUserOnce() throws Exception {
        try (RawWebSocket walt = hello(token("walt")); RawWebSocket phone = hello(token("uma"));
                RawWebSocket laptop = hello(token("uma"))) {
            for (RawWebSocket ws : List.of(walt, phone, laptop)) {
                next(ws, Event.Welcome.class);
            }
            try (RawWebSocket third = hello(token("uma"))) {
                Event.Error error = next(third, Event.Error.class);
                assertEquals(ErrorCode.TOO_MANY_CONNECTIONS, error.code(), error.toString());
            }
            send(walt, new Request.Join("team-uma", Optional.empty(), Optional.empty()));
            next(walt, Event.Joined.class);
            send(phone, new Request.Join("team-uma", Optional.empty(), Optional.empty()));
            assertEquals(Optional.of(List.of("walt", "uma")), next(phone, Event.Joined.class).members());
            send(laptop, new Request.Join("team-uma", Optional.empty(), Optional.empty()));
            assertEquals(Optional.of(List.of("walt", "uma")), next(laptop, Event.Joined.class).members(),
                    "uma is listed once");

            send(walt, new Request.SendToRoom("team-uma", "to the room", "c1", Optional.empty()));
            send(walt, new Request.SendToUser("uma", "to uma", "c2", Optional.empty()));
            for (RawWebSocket device : List.of(phone, laptop)) {
                assertEquals("to the room", next(device, Event.Message.class).text());
                assertEquals("to uma", next(device, Event.Message.class).text());
            }
            phone.close();
            send(laptop, new Request.Leave("team-uma", Optional.of("l")));
            List<Event.Presence> told = new ArrayList<>();
            while (told.stream().noneMatch(p -> p.left().contains("uma"))) {
                Event event = next(walt, Event.class);
                if (event instanceof Event.Presence presence) {
                    told.add(presence);
                }
            }
            assertEquals(List.of("uma"), told.stream().flatMap(p -> p.joined().stream()).toList(), told.toString());
            assertEquals(List.of("uma"), told.stream().flatMap(p -> p.left().stream()).toList(),
                    "one leave, with the last device: " + told);
        }
    }

    @Test
    void anOfflineUsersInboxKeepsItsMessagesAndHelloWithInboxGetsExactlyTheMissedOnes() throws Exception {
        Position seen;
        try (RawWebSocket xena = hello(token("xena"))) {
            next(xena, Event.Welcome.class);
            send(xena, new Request.SendToUser("vic", "while you were away", "c1", Optional.empty()));
            assertEquals("while you were away", next(xena, Event.Message.class).text(), "the sender's own copy");
            assertEquals("c1", next(xena, Event.Ack.class).cid(), "acked though vic was never online");
            try (RawWebSocket vic = hello(token("vic"))) {
                Event.Welcome welcome = next(vic, Event.Welcome.class);
                assertEquals(1, welcome.inbox().missed());
                assertEquals("while you were away", next(vic, Event.Message.class).text());
                seen = new Position(welcome.inbox().epoch(), welcome.inbox().seq());
            }
            for (String text : List.of("two", "three")) {
                send(xena, new Request.SendToUser("vic", text, "c-" + text, Optional.empty()));
                next(xena, Event.Message.class);
                next(xena, Event.Ack.class);
            }
        }
        try (RawWebSocket vic = RawWebSocket.openV2(chat())) {
            send(vic, new Request.TokenHello(token("vic"), Optional.of(seen), Optional.empty()));
            Event.Welcome welcome = next(vic, Event.Welcome.class);
            assertTrue(welcome.inbox().recovered(), welcome.toString());
            assertEquals(2, welcome.inbox().missed(), welcome.toString());
            assertEquals("two", next(vic, Event.Message.class).text());
            assertEquals("three", next(vic, Event.Message.class).text());
        }
    }
}
