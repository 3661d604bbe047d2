package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.parley.chat.ChatTestKit.V1Client;
import dev.parley.chat.ChatTestKit.V2Client;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.v2.Event.Ack;
import dev.parley.chat.protocol.v2.Event.Joined;
import dev.parley.chat.protocol.v2.Event.Left;
import dev.parley.chat.protocol.v2.Event.Message;
import dev.parley.chat.protocol.v2.Event.Presence;
import dev.parley.chat.protocol.v2.Event.Resume;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tutorial's chat, byte for byte, over the room engine; and its bridge to parley.v2 in the lobby. */
class ChatV1Test {

    private final ChatTestKit kit = new ChatTestKit();

    @Test
    void aConnectionIsGreetedWithTheHandshake() {
        V1Client alice = kit.v1();
        alice.receives("{'type':'handshake'}");
        alice.hearsNothing();
    }

    @Test
    void aLoginGoesToEveryoneRegisteredTheRegistrantIncluded() {
        V1Client alice = registered("alice", "hi all");
        alice.receives("{'type':'login','uuid':'alice','content':'hi all','user_list':['alice']}");
        alice.hearsNothing();

        V1Client bob = registered("bob", "hey");
        String bobsLogin = "{'type':'login','uuid':'bob','content':'hey','user_list':['alice','bob']}";
        alice.receives(bobsLogin);
        bob.receives(bobsLogin);

        V1Client carol = registered("carol", "");
        String carolsLogin = "{'type':'login','uuid':'carol','content':'','user_list':['alice','bob','carol']}";
        alice.receives(carolsLogin);
        bob.receives(carolsLogin);
        carol.receives(carolsLogin);
        alice.hearsNothing();
        bob.hearsNothing();
        carol.hearsNothing();
    }

    @Test
    void aMessageGoesToEveryoneTheSenderIncluded() {
        V1Client alice = registered("alice", "");
        V1Client bob = registered("bob", "");
        alice.skipAll();
        bob.skipAll();

        alice.says("{'type':'send','content':'hi','from':'mallory'}");
        alice.receives("{'type':'user','content':'hi','from':'alice'}");
        bob.receives("{'type':'user','content':'hi','from':'alice'}");
        bob.says("{'type':'send','content':'hello'}");
        alice.receives("{'type':'user','content':'hello','from':'bob'}");
        bob.receives("{'type':'user','content':'hello','from':'bob'}");
        alice.hearsNothing();
        bob.hearsNothing();
    }

    @Test
    void aPrivateMessageGoesOnlyToItsReceiverAndItsSender() {
        V1Client alice = registered("alice", "");
        V1Client bob = registered("bob", "");
        V1Client carol = registered("carol", "");
        alice.skipAll();
        bob.skipAll();
        carol.skipAll();

        alice.says("{'type':'send','content':'psst','to':'bob'}");
        bob.receives("{'type':'user','content':'psst','from':'alice','to':'bob'}");
        alice.receives("{'type':'user','content':'psst','from':'alice','to':'bob'}");
        carol.hearsNothing();
        alice.hearsNothing();
        bob.hearsNothing();

        alice.says("{'type':'send','content':'psst','to':'dave'}");
        assertError(ErrorCode.NO_SUCH_USER, alice.next());
        alice.hearsNothing();
        bob.hearsNothing();
        carol.hearsNothing();
    }

    @Test
    void anUnregisterTellsTheOthersAndTheConnectionMayRegisterAgain() {
        V1Client alice = registered("alice", "");
        V1Client bob = registered("bob", "");
        V1Client carol = registered("carol", "");
        alice.skipAll();
        bob.skipAll();
        carol.skipAll();

        alice.says("{'type':'unregister','uuid':'alice','content':'bye'}");
        bob.receives("{'type':'logout','uuid':'alice','content':'bye','user_list':['bob','carol']}");
        carol.receives("{'type':'logout','uuid':'alice','content':'bye','user_list':['bob','carol']}");
        alice.hearsNothing();
        bob.hearsNothing();

        bob.says("{'type':'send','content':'is she gone?'}");
        alice.hearsNothing();
        carol.skipAll();
        bob.skipAll();

        alice.says("{'type':'register','uuid':'alice','content':'back'}");
        String back = "{'type':'login','uuid':'alice','content':'back','user_list':['bob','carol','alice']}";
        alice.receives(back);
        bob.receives(back);
        carol.receives(back);
    }

    @Test
    void aClosedConnectionLogsOutWithEmptyContent() {
        V1Client alice = registered("alice", "");
        V1Client bob = registered("bob", "");
        alice.skipAll();
        bob.skipAll();

        alice.closes();
        bob.receives("{'type':'logout','uuid':'alice','content':'','user_list':['bob']}");
        bob.hearsNothing();
        alice.hearsNothing();
        assertEquals(List.of("bob"), kit.chat.names().list().toCompletableFuture().join());
    }

    @Test
    void refusalsGoToTheRefusedConnectionOnly() {
        V1Client alice = kit.v1();
        alice.skipAll();
        V1Client bob = registered("bob", "");
        bob.skipAll();

        alice.says("{'type':'send','content':'hi'}");
        assertError(ErrorCode.NOT_REGISTERED, alice.next());
        alice.says("{'type':'unregister','uuid':'alice','content':''}");
        assertError(ErrorCode.NOT_REGISTERED, alice.next());
        alice.says("{'type':'register','uuid':'bob','content':''}");
        assertError(ErrorCode.UUID_TAKEN, alice.next());
        alice.says("{'type':'register','uuid':'alice','content':''}");
        alice.skipAll();
        bob.skipAll();
        alice.says("{'type':'register','uuid':'alice2','content':''}");
        assertError(ErrorCode.ALREADY_REGISTERED, alice.next());
        alice.says("{'type':'unregister','uuid':'bob','content':''}");
        assertError(ErrorCode.NOT_YOURS, alice.next());
        alice.says("not json");
        assertError(ErrorCode.BAD_JSON, alice.next());
        alice.says("{'type':'dance'}");
        assertError(ErrorCode.UNKNOWN_TYPE, alice.next());
        alice.hearsNothing();
        bob.hearsNothing();
    }

    // ---- the bridge: v1 chats in the v2 room "lobby"

    @Test
    void aV2UserInTheLobbyIsAUserToV1() {
        V1Client alice = registered("alice", "");
        alice.skipAll();
        V2Client bob = kit.v2();
        bob.hello("bob");

        Joined joined = bob.join("lobby");
        assertEquals(new Joined("lobby", new Resume(joined.position().epoch(), 0, false, 0),
                Optional.of(List.of("alice", "bob")), 2, Optional.empty()), joined);
        alice.receives("{'type':'login','uuid':'bob','content':'','user_list':['alice','bob']}");
        alice.hearsNothing();

        bob.says("{'type':'send','room':'lobby','text':'hi from v2','cid':'b1'}");
        alice.receives("{'type':'user','content':'hi from v2','from':'bob'}");
        bob.skipAll();

        bob.says("{'type':'leave','room':'lobby'}");
        assertEquals(new Left("lobby", Optional.empty()), bob.next());
        alice.receives("{'type':'logout','uuid':'bob','content':'','user_list':['alice']}");
        alice.hearsNothing();
    }

    @Test
    void aV1UserIsAMemberOfTheLobbyToV2() {
        V2Client bob = kit.v2();
        bob.hello("bob");
        String epoch = bob.join("lobby").position().epoch();
        kit.presenceInterval();
        bob.skipAll();

        V1Client alice = registered("alice", "hello");
        alice.receives("{'type':'login','uuid':'alice','content':'hello','user_list':['bob','alice']}");
        alice.says("{'type':'send','content':'hi from v1'}");
        alice.receives("{'type':'user','content':'hi from v1','from':'alice'}");
        // its join before its first message; a v1 message has no cid
        assertEquals(List.of(new Presence("lobby", List.of("alice"), List.of()),
                new Message(Optional.of("lobby"), Optional.empty(), "alice", 1, epoch, "hi from v1",
                        kit.clock.instant(), Optional.empty())), bob.all());

        bob.says("{'type':'send','room':'lobby','text':'welcome','cid':'b1'}");
        assertEquals(List.of(new Message(Optional.of("lobby"), Optional.empty(), "bob", 2, epoch, "welcome",
                kit.clock.instant(), Optional.of("b1")),
                new Ack("b1", 2, false, Optional.of("lobby"), Optional.empty(), Optional.empty())), bob.all());
        alice.receives("{'type':'user','content':'welcome','from':'bob'}");

        alice.closes();
        kit.presenceInterval();
        assertEquals(List.of(new Presence("lobby", List.of(), List.of("alice"))), bob.all());
    }

    @Test
    void privateMessagesCrossTheProtocols() {
        V1Client alice = registered("alice", "");
        alice.skipAll();
        V2Client bob = kit.v2();
        String bobInbox = bob.hello("bob").inbox().epoch(); // not in the lobby: online is enough

        alice.says("{'type':'send','content':'psst','to':'bob'}");
        alice.receives("{'type':'user','content':'psst','from':'alice','to':'bob'}");
        assertEquals(List.of(new Message(Optional.empty(), Optional.of("bob"), "alice", 1, bobInbox, "psst",
                kit.clock.instant(), Optional.empty())), bob.all());

        bob.says("{'type':'send','to':'alice','text':'back','cid':'p1'}");
        alice.receives("{'type':'user','content':'back','from':'bob','to':'alice'}");
        assertEquals(List.of(new Message(Optional.empty(), Optional.of("alice"), "bob", 2, bobInbox, "back",
                kit.clock.instant(), Optional.of("p1")),
                new Ack("p1", 2, false, Optional.empty(), Optional.of("alice"), Optional.empty())), bob.all());
        alice.hearsNothing();
    }

    @Test
    void aV2UserClosingInTheLobbyLogsOutOfV1() {
        V1Client alice = registered("alice", "");
        V2Client bob = kit.v2();
        bob.hello("bob");
        bob.join("lobby");
        alice.skipAll();

        bob.closes();
        alice.receives("{'type':'logout','uuid':'bob','content':'','user_list':['alice']}");
        alice.hearsNothing();
    }

    // ---- helpers

    /** A v1 connection that registered as {@code user}; its handshake is taken, its login left to be read. */
    /**
     * A register whose lobby join the bus could not make is answered {@code unavailable} and holds nothing:
     * the name goes back, so the same register again is a login the others hear, not {@code already_registered}.
     */
    @Test
    void aRegisterTheBusCouldNotJoinCanBeSentAgain() {
        OutageBus[] outage = new OutageBus[1];
        ChatTestKit failing = new ChatTestKit(ChatTestKit.settings(), bus -> outage[0] = new OutageBus(bus));
        V1Client alice = failing.v1();
        alice.receives("{'type':'handshake'}");
        alice.says("{'type':'register','uuid':'alice','content':''}");
        alice.skipAll();
        V1Client bob = failing.v1();
        bob.receives("{'type':'handshake'}");

        outage[0].joinsDown = true;
        bob.says("{'type':'register','uuid':'bob','content':'hey'}");
        assertError(ErrorCode.UNAVAILABLE, bob.next());
        bob.says("{'type':'send','content':'in?'}");
        assertError(ErrorCode.NOT_REGISTERED, bob.next());
        outage[0].joinsDown = false;
        bob.says("{'type':'register','uuid':'bob','content':'hey'}");
        String bobsLogin = "{'type':'login','uuid':'bob','content':'hey','user_list':['alice','bob']}";
        alice.receives(bobsLogin);
        bob.receives(bobsLogin);
        alice.hearsNothing();
        bob.hearsNothing();
    }

    private V1Client registered(String user, String content) {
        V1Client client = kit.v1();
        client.receives("{'type':'handshake'}");
        client.says("{'type':'register','uuid':'" + user + "','content':'" + content + "'}");
        return client;
    }

    private static void assertError(ErrorCode code, ServerEvent event) {
        assertEquals(code, assertInstanceOf(ServerEvent.Error.class, event).code());
    }
}
