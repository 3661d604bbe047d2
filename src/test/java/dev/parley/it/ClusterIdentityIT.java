package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeyLengthException;
import com.nimbusds.jose.crypto.MACSigner;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.security.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue #13 in the cluster issue's multi-node mode: two WildFly nodes in token mode on one Redis. A user's
 * devices on different nodes are one member of a room, and stay one when the node of one of them is killed
 * with SIGKILL; an authenticated user's inbox keeps what was sent to it on one node while it was offline,
 * and its hello on the other resumes exactly the missed messages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIdentityIT {

    private static final Duration TTL = Duration.ofSeconds(5);
    /** No spaces: the nodes take their settings as -D options in JAVA_OPTS, which the launcher splits at spaces. */
    private static final String SECRET = "a-cluster-secret-of-thirty-two-bytes-or-more";
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.start(2, TTL, false, 0, Map.of("parley.auth.mode", "token",
                "parley.auth.jwt.secret", SECRET));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String token(String user) {
        try {
            return TestTokens.token(JWSAlgorithm.HS256, new MACSigner(SECRET), user, claims -> claims);
        } catch (KeyLengthException e) {
            throw new AssertionError(e);
        }
    }

    private static V2User hello(int node, String user) {
        return V2User.withToken(cluster.chatOn(node), token(user), Optional.empty());
    }

    @Test
    @Order(1)
    void anInboxKeepsWhatOneNodeStoredWhileItsUserWasOfflineForItsHelloOnAnother() {
        Position seen;
        try (V2User xena = hello(1, "xena"); V2User vic = hello(2, "vic")) {
            seen = new Position(vic.welcome().inbox().epoch(), vic.welcome().inbox().seq());
        }
        try (V2User xena = hello(1, "xena")) {
            for (String text : List.of("one", "two")) {
                xena.sayTo("vic", text, "c-" + text);
                xena.acked();
            }
        }
        try (V2User vic = V2User.withToken(cluster.chatOn(2), token("vic"), Optional.of(seen))) {
            assertTrue(vic.welcome().inbox().recovered(), vic.welcome().toString());
            assertEquals(2, vic.welcome().inbox().missed(), vic.welcome().toString());
            assertEquals("one", vic.next(Event.Message.class).text());
            assertEquals("two", vic.next(Event.Message.class).text());
        }
    }

    @Test
    @Order(2)
    void aUserWithDevicesOnTwoNodesStaysInTheRoomWhenOneNodeIsKilled() throws Exception {
        try (V2User walt = hello(2, "walt"); V2User laptop = hello(2, "uma")) {
            walt.join("team");
            try (V2User phone = hello(1, "uma"); V2User zed = hello(1, "zed")) { // zed is on the node that dies too
                inTeamWithANodeKilled(walt, laptop, phone, zed);
            }
        }
    }

    private static void inTeamWithANodeKilled(V2User walt, V2User laptop, V2User phone, V2User zed) throws Exception {
        assertEquals(Optional.of(List.of("walt", "uma")), phone.join("team").members());
        assertEquals(Optional.of(List.of("walt", "uma")), laptop.join("team").members(), "uma is listed once");
        zed.join("team");

        walt.say("team", "hello uma", "w-1");
        walt.acked();
        assertEquals("hello uma", phone.nextIgnoringPresence(Event.Message.class).text());
        assertEquals("hello uma", laptop.nextIgnoringPresence(Event.Message.class).text());

        cluster.nodes.get(0).kill();
        List<Event.Presence> told = new ArrayList<>();
        while (told.stream().noneMatch(presence -> presence.left().contains("zed"))) {
            if (walt.next() instanceof Event.Presence presence) {
                told.add(presence);
            }
        }
        // zed's eviction and the phone's were one step: uma is still in, by her laptop
        assertEquals(List.of("zed"), told.stream().flatMap(p -> p.left().stream()).toList(), told.toString());

        walt.say("team", "still there?", "w-2");
        walt.acked();
        assertEquals("still there?", laptop.nextIgnoringPresence(Event.Message.class).text());
        laptop.leave("team");
        Event.Presence last = walt.next(Event.Presence.class);
        assertEquals(List.of("uma"), last.left(), "the leave goes out with the last device");
    }
}
