package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.parley.chat.protocol.ChatJson;
import dev.parley.chat.protocol.ClientMessage;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Request;
import dev.parley.chat.protocol.v2.V2Json;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #13, {@code parley.auth.mode=container}, on each server: a node whose own login knows alice and bob
 * (WildFly's application users, Payara's file realm). A chat handshake without a login, or with a wrong
 * password, gets the server's 401; a logged-in hello is the login's user, and cannot name another. A tutorial
 * (v1) client needs no login where guests may chat ({@code parley.auth.v1=anonymous}).
 */
class LoginNodesIT {

    private static final Map<String, String> LOGINS = Map.of("alice", "alice-password", "bob", "bob-password");

    @ParameterizedTest
    @EnumSource(ParleyNode.Server.class)
    void theUserIsWhoTheServersLoginSays(ParleyNode.Server server) throws Exception {
        try (ParleyNode node = ParleyNode.launch(server, "login-" + server.name().toLowerCase(),
                Map.of("parley.auth.mode", "container", "parley.auth.v1", "anonymous"), LOGINS).awaitReady()) {
            URI chat = node.ws("chat");
            URI metrics = node.http("api/metrics");
            double refusedBefore = MetricsIT.sample(MetricsIT.scrape(metrics), "parley_handshakes_refused_total",
                    "cause=\"auth\"");
            try (RawWebSocket anonymous = RawWebSocket.openV2(chat)) {
                assertEquals(401, anonymous.status(), "no login");
            }
            assertEquals(1, MetricsIT.sample(MetricsIT.scrape(metrics), "parley_handshakes_refused_total",
                    "cause=\"auth\"") - refusedBefore);
            try (RawWebSocket wrong = RawWebSocket.openV2LoggedIn(chat, "alice", "not-her-password")) {
                assertEquals(401, wrong.status(), "a wrong password");
            }
            // WildFly's login refuses bad credentials before Parley sees the request, Payara's in Parley's filter
            assertEquals(server == ParleyNode.Server.PAYARA ? 2 : 1, MetricsIT.sample(MetricsIT.scrape(metrics),
                    "parley_handshakes_refused_total", "cause=\"auth\"") - refusedBefore);

            try (RawWebSocket alice = RawWebSocket.openV2LoggedIn(chat, "alice", LOGINS.get("alice"));
                    RawWebSocket bob = RawWebSocket.openV2LoggedIn(chat, "bob", LOGINS.get("bob"));
                    RawWebSocket impostor = RawWebSocket.openV2LoggedIn(chat, "bob", LOGINS.get("bob"))) {
                assertEquals(101, alice.status());
                alice.sendText(V2Json.write(new Request.LoginHello(Optional.empty(), Optional.of("h"))));
                assertEquals("alice", event(alice, Event.Welcome.class).user());
                bob.sendText(V2Json.write(new Request.LoginHello(Optional.empty(), Optional.empty())));
                assertEquals("bob", event(bob, Event.Welcome.class).user());

                impostor.sendText(V2Json.write(new Request.Hello("alice", Optional.empty(), Optional.empty())));
                assertEquals(ErrorCode.UNAUTHORIZED, event(impostor, Event.Error.class).code());
                assertEquals(4001, impostor.read().closeCode(), "a hello naming another user than the login");

                alice.sendText(V2Json.write(new Request.SendToUser("bob", "hi bob", "c1", Optional.empty())));
                Event.Message message = event(bob, Event.Message.class);
                assertEquals("alice", message.from());
                assertEquals("hi bob", message.text());
            }
            try (RawWebSocket tutorial = RawWebSocket.open(chat)) {
                assertEquals(101, tutorial.status(), "a v1 client needs no login where guests may chat");
                assertInstanceOf(ServerEvent.Handshake.class, ChatJson.readServerEvent(tutorial.read().text()));
                tutorial.sendText(ChatJson.write(new ClientMessage.Register("guest-tutorial", "")));
                assertInstanceOf(ServerEvent.Login.class, ChatJson.readServerEvent(tutorial.read().text()));
            }
        }
    }

    private static <T extends Event> T event(RawWebSocket ws, Class<T> type) throws Exception {
        RawWebSocket.Frame frame = ws.read();
        assertEquals(RawWebSocket.TEXT, frame.opcode(), "a text frame, not close code " + frame.closeCode());
        return assertInstanceOf(type, V2Json.readEvent(frame.text()));
    }
}
