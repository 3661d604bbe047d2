package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.parley.chat.ChatTestKit.V1Client;
import dev.parley.chat.ChatTestKit.V2Client;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.connection.Disconnect;
import dev.parley.security.AuthSettings;
import dev.parley.security.TestTokens;
import dev.parley.security.TokenVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Issue #13, token mode: a v2 user is who its token says; bad tokens, no hello, an expired token and a v1
 * register each get a clear refusal and the close the issue names, and none of it disturbs other users.
 */
class ChatAuthTest {

    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final int MAX_DEVICES = 3;

    private ChatTestKit kit = kit(false);

    private static ChatTestKit kit(boolean v1Anonymous) {
        TokenVerifier tokens = TokenVerifier.withSecret(TestTokens.SECRET, Optional.empty(), Optional.empty());
        ChatTestKit kit = new ChatTestKit(ChatTestKit.settings().auth(new AuthSettings(AuthSettings.Mode.TOKEN, Optional.of(tokens), HELLO_TIMEOUT,
                GRACE, v1Anonymous, MAX_DEVICES)));
        kit.advance(Duration.between(kit.clock.instant(), Instant.now())); // tokens expire in real time
        return kit;
    }

    private static String token(String user, UnaryOperator<JWTClaimsSet.Builder> claims) {
        return TestTokens.hs256(user, claims);
    }

    private static void hello(V2Client client, String token, String ref) {
        client.says("{'type':'hello','token':'" + token + "','ref':'" + ref + "'}");
    }

    @Test
    void theUserIsTheTokensSubjectAndItsMessagesAreFromIt() {
        V2Client alice = kit.v2();
        hello(alice, token("alice", c -> c), "h1");
        Event.Welcome welcome = alice.next(Event.Welcome.class);
        assertEquals("alice", welcome.user());
        assertEquals(Optional.of("h1"), welcome.ref());
        V2Client bob = kit.v2();
        hello(bob, token("bob", c -> c), "h2");
        bob.next(Event.Welcome.class);
        alice.join("tea");
        bob.join("tea");
        alice.skipAll();
        bob.says("{'type':'send','room':'tea','text':'hi','cid':'c1'}");
        assertEquals(List.of("bob"), alice.all().stream().filter(Event.Message.class::isInstance)
                .map(e -> ((Event.Message) e).from()).toList(), "from is always the authenticated user");
        kit.advance(HELLO_TIMEOUT.plusSeconds(1));
        assertNull(alice.peer.closed, "the hello deadline is gone once the hello is done");
    }

    @Test
    void badTokensAreRefusedWithUnauthorizedThen4001AndOthersGoOn() {
        V2Client alice = kit.v2();
        hello(alice, token("alice", c -> c), "h1");
        alice.next(Event.Welcome.class);
        alice.join("tea");
        alice.skipAll();

        String expired = token("mallory", c -> c.expirationTime(Date.from(Instant.now().minusSeconds(60))));
        String unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.";
        for (String bad : List.of(expired, unsigned, "garbage")) {
            V2Client mallory = kit.v2();
            hello(mallory, bad, "m1");
            Event.Error error = assertInstanceOf(Event.Error.class, mallory.next());
            assertEquals(ErrorCode.UNAUTHORIZED, error.code());
            assertEquals(Optional.of("m1"), error.ref());
            assertEquals(Disconnect.UNAUTHORIZED, mallory.peer.closed);
            mallory.hearsNothing();
        }
        V2Client named = kit.v2();
        named.says("{'type':'hello','user':'alice2'}");
        assertEquals(ErrorCode.UNAUTHORIZED, assertInstanceOf(Event.Error.class, named.next()).code());
        assertEquals(Disconnect.UNAUTHORIZED, named.peer.closed, "a hello with a user where tokens are required");

        alice.says("{'type':'send','room':'tea','text':'still here','cid':'c1'}");
        assertEquals("still here", alice.next(Event.Message.class).text());
        assertEquals(List.of("alice"), kit.chat.names().list().toCompletableFuture().join());
    }

    @Test
    void noHelloInTimeIsClosedWith4001() {
        V2Client silent = kit.v2();
        V2Client slow = kit.v2();
        kit.advance(HELLO_TIMEOUT.minusSeconds(1));
        hello(slow, token("slow", c -> c), "h");
        slow.next(Event.Welcome.class);
        kit.advance(Duration.ofSeconds(1));

        assertEquals(ErrorCode.UNAUTHORIZED, assertInstanceOf(Event.Error.class, silent.next()).code());
        assertEquals(Disconnect.UNAUTHORIZED, silent.peer.closed);
        assertNull(slow.peer.closed, "a hello in time keeps the connection");
    }

    @Test
    void anExpiredTokenClosesWith4003AfterTheGraceUnlessRefreshed() {
        Instant expires = Instant.now().plusSeconds(60);
        V2Client alice = kit.v2();
        hello(alice, token("alice", c -> c.expirationTime(Date.from(expires))), "h1");
        alice.next(Event.Welcome.class);
        V2Client bob = kit.v2();
        hello(bob, token("bob", c -> c.expirationTime(Date.from(expires))), "h2");
        bob.next(Event.Welcome.class);

        Instant later = expires.plusSeconds(3600);
        bob.says("{'type':'refresh','token':'" + token("bob", c -> c.expirationTime(Date.from(later))) + "','ref':'r1'}");
        assertEquals(new Event.Refreshed(Instant.ofEpochSecond(later.getEpochSecond()), Optional.of("r1")),
                bob.next(Event.Refreshed.class));
        bob.says("{'type':'refresh','token':'" + token("alice", c -> c) + "','ref':'r2'}");
        assertEquals(ErrorCode.UNAUTHORIZED, assertInstanceOf(Event.Error.class, bob.next()).code());
        assertEquals(Disconnect.UNAUTHORIZED, bob.peer.closed, "a refresh with another user's token");

        V2Client carol = kit.v2();
        hello(carol, token("carol", c -> c.expirationTime(Date.from(expires))), "h3");
        carol.next(Event.Welcome.class);
        carol.says("{'type':'refresh','token':'" + token("carol", c -> c.expirationTime(Date.from(later))) + "'}");
        carol.next(Event.Refreshed.class);

        // the kit's clock started at the real time and stands still but for advance(): margins for the test's own run
        kit.advance(Duration.between(Instant.now(), expires).plus(GRACE).minusSeconds(5));
        assertNull(alice.peer.closed, "not before the expiry plus the grace");
        kit.advance(Duration.ofSeconds(10));
        assertEquals(Disconnect.TOKEN_EXPIRED, alice.peer.closed);
        assertNull(carol.peer.closed, "refreshed in time");
    }

    @Test
    void aRefreshedTokenWithFewerRoomsTakesThemAway() {
        V2Client erin = kit.v2();
        hello(erin, token("erin", c -> c.claim("rooms", List.of("tea", "team-*"))), "h");
        erin.next(Event.Welcome.class);
        erin.join("tea");
        erin.join("team-red");
        erin.skipAll();
        erin.says("{'type':'refresh','token':'" + token("erin", c -> c.claim("rooms", List.of("team-*"))) + "'}");
        erin.next(Event.Refreshed.class);
        assertEquals(new Event.Left("tea", Optional.empty()), erin.next(Event.Left.class));
        erin.says("{'type':'join','room':'tea','ref':'j'}");
        assertEquals(ErrorCode.FORBIDDEN, assertInstanceOf(Event.Error.class, erin.next()).code());
        erin.says("{'type':'send','room':'team-red','text':'still in','cid':'c1'}");
        assertEquals("still in", erin.all().stream().filter(Event.Message.class::isInstance)
                .map(e -> ((Event.Message) e).text()).findFirst().orElseThrow());
    }

    @Test
    void tokenUsersAndGuestsHaveNamesApart() {
        V2Client guest = kit.v2();
        hello(guest, token("guest-bob", c -> c), "h");
        assertEquals(ErrorCode.UNAUTHORIZED, assertInstanceOf(Event.Error.class, guest.next()).code());
        assertEquals(Disconnect.UNAUTHORIZED, guest.peer.closed, "no token may name a guest");

        kit = kit(true);
        V1Client impostor = kit.v1();
        impostor.next();
        impostor.says("{'type':'register','uuid':'alice','content':''}");
        assertEquals(ErrorCode.UNAUTHORIZED, assertInstanceOf(ServerEvent.Error.class, impostor.next()).code());
        assertEquals(Disconnect.UNAUTHORIZED, impostor.peer.closed, "a guest cannot take a token user's name");
    }

    @Test
    void theRoomsClaimForbidsOtherRooms() {
        V2Client dana = kit.v2();
        hello(dana, token("dana", c -> c.claim("rooms", List.of("team-*"))), "h");
        dana.next(Event.Welcome.class);
        dana.says("{'type':'join','room':'tea','ref':'j1'}");
        Event.Error error = assertInstanceOf(Event.Error.class, dana.next());
        assertEquals(ErrorCode.FORBIDDEN, error.code());
        assertEquals(Optional.of("j1"), error.ref());
        assertEquals("team-red", dana.join("team-red").room());
        assertNull(dana.peer.closed);
    }

    @Test
    void v1IsRefusedUnlessAllowedAnonymously() {
        V1Client tutorial = kit.v1();
        tutorial.next(); // the handshake
        tutorial.says("{'type':'register','uuid':'al','content':''}");
        assertEquals(ErrorCode.UNAUTHORIZED, assertInstanceOf(ServerEvent.Error.class, tutorial.next()).code());
        assertEquals(Disconnect.UNAUTHORIZED, tutorial.peer.closed);
        V1Client idle = kit.v1();
        idle.next();
        kit.advance(HELLO_TIMEOUT);
        assertEquals(ErrorCode.UNAUTHORIZED, assertInstanceOf(ServerEvent.Error.class, idle.next()).code());
        assertEquals(Disconnect.UNAUTHORIZED, idle.peer.closed, "a v1 connection that can never register goes too");

        kit = kit(true);
        V1Client allowed = kit.v1();
        allowed.next();
        allowed.says("{'type':'register','uuid':'guest-al','content':''}");
        assertInstanceOf(ServerEvent.Login.class, allowed.next());
        kit.advance(HELLO_TIMEOUT.plusSeconds(1));
        assertNull(allowed.peer.closed, "guests stay where v1 may chat anonymously");
    }

    // ---- several devices per user, and inboxes that outlive connections

    private Event.Welcome device(V2Client client, String user) {
        hello(client, token(user, c -> c), "h");
        return client.next(Event.Welcome.class);
    }

    private static List<String> texts(List<Event> events) {
        return events.stream().filter(Event.Message.class::isInstance).map(e -> ((Event.Message) e).text()).toList();
    }

    @Test
    void aUsersDevicesEachHearTheRoomAndItsPrivateMessagesButPresenceTellsTheUserOnce() {
        V2Client bob = kit.v2();
        device(bob, "bob");
        bob.join("tea");
        bob.skipAll();
        V2Client phone = kit.v2();
        device(phone, "alice");
        assertEquals(List.of("bob", "alice"), phone.join("tea").members().orElseThrow());
        kit.presenceInterval();
        assertEquals(List.of(new Event.Presence("tea", List.of("alice"), List.of())), bob.all().stream()
                .filter(Event.Presence.class::isInstance).toList());
        V2Client laptop = kit.v2();
        device(laptop, "alice");
        assertEquals(List.of("bob", "alice"), laptop.join("tea").members().orElseThrow(), "listed once");
        kit.presenceInterval();
        assertEquals(List.of(), bob.all(), "the second device's join is no news");
        phone.skipAll();

        bob.says("{'type':'send','room':'tea','text':'to the room','cid':'c1'}");
        bob.says("{'type':'send','to':'alice','text':'to alice','cid':'c2'}");
        for (V2Client device : List.of(phone, laptop)) {
            assertEquals(List.of("to the room", "to alice"), texts(device.all()), "each device hears both");
        }
        phone.says("{'type':'send','to':'bob','text':'from my phone','cid':'c3'}");
        assertEquals(List.of("from my phone"), texts(laptop.all()), "a device sees what another sent privately");

        phone.closes();
        kit.presenceInterval();
        bob.skipAll();
        assertEquals(List.of(), bob.all().stream().filter(Event.Presence.class::isInstance).toList(),
                "no leave while a device is in");
        laptop.says("{'type':'leave','room':'tea'}");
        kit.presenceInterval();
        assertEquals(List.of(new Event.Presence("tea", List.of(), List.of("alice"))), bob.all().stream()
                .filter(Event.Presence.class::isInstance).toList(), "the leave goes out with the last device");
        assertEquals(List.of("bob", "alice"), kit.chat.names().list().toCompletableFuture().join());
    }

    @Test
    void aUserHoldsAtMostTheDevicesItMayAndAnonymousNamesStayOneEach() {
        List<V2Client> devices = new java.util.ArrayList<>();
        for (int i = 0; i < MAX_DEVICES; i++) {
            V2Client device = kit.v2();
            device(device, "carol");
            devices.add(device);
        }
        V2Client oneTooMany = kit.v2();
        hello(oneTooMany, token("carol", c -> c), "h4");
        Event.Error error = assertInstanceOf(Event.Error.class, oneTooMany.next());
        assertEquals(ErrorCode.TOO_MANY_CONNECTIONS, error.code());
        assertEquals(Optional.of("h4"), error.ref());
        devices.get(0).closes();
        device(oneTooMany, "carol"); // one went: room for another

        kit = kit(true);
        V1Client guest = kit.v1();
        guest.next();
        guest.says("{'type':'register','uuid':'guest-gus','content':''}");
        guest.next(); // its login
        V1Client again = kit.v1();
        again.next();
        again.says("{'type':'register','uuid':'guest-gus','content':''}");
        assertEquals(ErrorCode.UUID_TAKEN, assertInstanceOf(ServerEvent.Error.class, again.next()).code());
    }

    @Test
    void anOfflineUsersPrivateMessagesAreKeptAndShownAtItsNextHello() {
        V2Client dave = kit.v2();
        device(dave, "dave");
        dave.says("{'type':'send','to':'erin','text':'one','cid':'c1'}");
        V2Client erin = kit.v2();
        Event.Welcome welcome = device(erin, "erin");
        assertEquals(1, welcome.inbox().missed(), "erin was never online: the latest are shown");
        assertEquals(List.of("one"), texts(erin.all()));
        Event.Resume seen = welcome.inbox();
        erin.closes();

        dave.says("{'type':'send','to':'erin','text':'two','cid':'c2'}");
        dave.says("{'type':'send','to':'erin','text':'three','cid':'c3'}");
        Event.Ack ack = assertInstanceOf(Event.Ack.class, dave.all().stream().filter(Event.Ack.class::isInstance)
                .reduce((a, b) -> b).orElseThrow());
        assertEquals("c3", ack.cid(), "acknowledged though erin is offline");

        V2Client back = kit.v2();
        back.says("{'type':'hello','token':'" + token("erin", c -> c) + "','inbox':{'epoch':'" + seen.epoch()
                + "','seq':" + seen.seq() + "}}");
        Event.Welcome resumed = back.next(Event.Welcome.class);
        assertEquals(true, resumed.inbox().recovered());
        assertEquals(2, resumed.inbox().missed());
        assertEquals(List.of("two", "three"), texts(back.all()), "exactly the missed ones, in order");
        dave.says("{'type':'send','to':'guest-nobody','text':'?','cid':'c4'}");
        assertEquals(ErrorCode.NO_SUCH_USER, assertInstanceOf(Event.Error.class, dave.all().get(0)).code(),
                "an anonymous name's inbox is not kept");
    }

    // ---- container mode: the server's login says who the user is

    @Test
    void inContainerModeTheUserIsTheLoginAndAHelloWithoutOneIsRefused() {
        kit = new ChatTestKit(ChatTestKit.settings().auth(new AuthSettings(AuthSettings.Mode.CONTAINER, Optional.empty(),
                HELLO_TIMEOUT, GRACE, false, MAX_DEVICES)));
        V2Client alice = kit.v2(Optional.of("alice"));
        alice.says("{'type':'hello','ref':'h1'}");
        Event.Welcome welcome = alice.next(Event.Welcome.class);
        assertEquals("alice", welcome.user());
        assertEquals(Optional.of("h1"), welcome.ref());
        V2Client named = kit.v2(Optional.of("alice"));
        named.says("{'type':'hello','user':'alice'}");
        named.next(Event.Welcome.class); // a hello may name the login's user: a second device

        V2Client impostor = kit.v2(Optional.of("mallory"));
        impostor.says("{'type':'hello','user':'alice','ref':'h2'}");
        Event.Error error = assertInstanceOf(Event.Error.class, impostor.next());
        assertEquals(ErrorCode.UNAUTHORIZED, error.code());
        assertEquals(Disconnect.UNAUTHORIZED, impostor.peer.closed, "a hello naming another user than the login");

        V2Client anonymous = kit.v2(Optional.empty());
        anonymous.says("{'type':'hello'}");
        assertEquals(ErrorCode.UNAUTHORIZED, assertInstanceOf(Event.Error.class, anonymous.next()).code());
        assertEquals(Disconnect.UNAUTHORIZED, anonymous.peer.closed, "no login");

        for (String hello : List.of("{'type':'hello'}", "{'type':'hello','user':'guest-x'}")) {
            V2Client guest = kit.v2(Optional.of("guest-x"));
            guest.says(hello);
            assertEquals(Disconnect.UNAUTHORIZED, guest.peer.closed, "a login cannot pass for a guest: " + hello);
        }
        V2Client tokened = kit.v2(Optional.of("bob"));
        tokened.says("{'type':'hello','token':'" + token("bob", c -> c) + "'}");
        assertEquals(ErrorCode.BAD_MESSAGE, assertInstanceOf(Event.Error.class, tokened.next()).code());

        V2Client silent = kit.v2(Optional.of("carol"));
        kit.advance(HELLO_TIMEOUT.plusSeconds(1));
        assertEquals(Disconnect.UNAUTHORIZED, silent.peer.closed, "no hello in time");
        assertNull(alice.peer.closed);
        assertEquals(List.of("alice"), kit.chat.names().list().toCompletableFuture().join());
    }
}
