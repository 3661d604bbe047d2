package dev.parley.chat;

import static dev.parley.chat.protocol.ErrorCode.ALREADY_REGISTERED;
import static dev.parley.chat.protocol.ErrorCode.BAD_MESSAGE;
import static dev.parley.chat.protocol.ErrorCode.BAD_ROOM;
import static dev.parley.chat.protocol.ErrorCode.HELLO_FIRST;
import static dev.parley.chat.protocol.ErrorCode.NOT_JOINED;
import static dev.parley.chat.protocol.ErrorCode.NO_SUCH_USER;
import static dev.parley.chat.protocol.ErrorCode.TOO_MANY_ROOMS;
import static dev.parley.chat.protocol.ErrorCode.UNKNOWN_TYPE;
import static dev.parley.chat.protocol.ErrorCode.UUID_TAKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.parley.chat.ChatTestKit.V1Client;
import dev.parley.chat.ChatTestKit.V2Client;
import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Event.Ack;
import dev.parley.chat.protocol.v2.Event.History;
import dev.parley.chat.protocol.v2.Event.Joined;
import dev.parley.chat.protocol.v2.Event.Left;
import dev.parley.chat.protocol.v2.Event.Members;
import dev.parley.chat.protocol.v2.Event.Message;
import dev.parley.chat.protocol.v2.Event.Presence;
import dev.parley.chat.protocol.v2.Event.PresenceCount;
import dev.parley.chat.protocol.v2.Event.Resume;
import dev.parley.chat.protocol.v2.Event.Welcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parley.v2 chat rules, driven through in-memory members. */
class ChatV2Test {

    private ChatTestKit kit = new ChatTestKit();

    // ---- names

    @Test
    void nothingButHelloBeforeHello() {
        V2Client alice = kit.v2();
        alice.hearsNothing(); // a v2 client speaks first

        alice.says("{'type':'join','room':'tea','ref':'r1'}");
        assertError(HELLO_FIRST, "r1", null, alice.next());
        alice.says("{'type':'send','room':'tea','text':'hi','cid':'c1','ref':'r2'}");
        assertError(HELLO_FIRST, "r2", "c1", alice.next());
        alice.says("{'type':'send','to':'bob','text':'hi','cid':'c2'}");
        assertError(HELLO_FIRST, null, "c2", alice.next());
        alice.says("{'type':'history','room':'tea'}");
        assertError(HELLO_FIRST, null, null, alice.next());
        alice.hearsNothing();
    }

    @Test
    void helloIsWelcomedWithAFreshInbox() {
        V2Client alice = kit.v2();
        alice.says("{'type':'hello','user':'alice','ref':'h1'}");

        Welcome welcome = alice.next(Welcome.class);
        assertFalse(welcome.inbox().epoch().isEmpty());
        assertEquals(new Welcome("alice", new Resume(welcome.inbox().epoch(), 0, false, 0), Optional.of("h1")),
                welcome);
        alice.hearsNothing();
        assertEquals(List.of("alice"), kit.chat.names().list().toCompletableFuture().join());
    }

    @Test
    void aNameIsHeldByOneSessionWhicheverProtocol() {
        V1Client v1Alice = kit.v1();
        v1Alice.skipAll();
        v1Alice.says("{'type':'register','uuid':'alice','content':'hi'}");
        v1Alice.skipAll();

        V2Client impostor = kit.v2();
        impostor.says("{'type':'hello','user':'alice','ref':'h1'}");
        assertError(UUID_TAKEN, "h1", null, impostor.next());
        impostor.hearsNothing();
        // refused, it holds no name and may take a free one
        assertEquals("bob", impostor.hello("bob").user());

        V1Client v1Bob = kit.v1();
        v1Bob.skipAll();
        v1Bob.says("{'type':'register','uuid':'bob','content':'hi'}");
        assertEquals(ErrorCode.UUID_TAKEN, assertInstanceOf(ServerEvent.Error.class, v1Bob.next()).code());
        v1Bob.hearsNothing();

        impostor.closes(); // releases bob
        v1Bob.says("{'type':'register','uuid':'bob','content':'hi'}");
        v1Bob.receives("{'type':'login','uuid':'bob','content':'hi','user_list':['alice','bob']}");
        assertEquals(List.of("alice", "bob"), kit.chat.names().list().toCompletableFuture().join());
    }

    @Test
    void aSecondHelloIsRefused() {
        V2Client alice = kit.v2();
        alice.hello("alice");

        alice.says("{'type':'hello','user':'bob','ref':'h2'}");
        assertError(ALREADY_REGISTERED, "h2", null, alice.next());
        alice.says("{'type':'hello','user':'alice','ref':'h3'}");
        assertError(ALREADY_REGISTERED, "h3", null, alice.next());
        alice.hearsNothing();
        assertEquals(List.of("alice"), kit.chat.names().list().toCompletableFuture().join());
    }

    @Test
    void aHelloTheChatCouldNotCompleteCanBeSaidAgain() {
        OutageBus outage = withOutage();
        V2Client alice = kit.v2();
        outage.down = true;

        alice.says("{'type':'hello','user':'alice','ref':'h1'}");
        assertError(ErrorCode.UNAVAILABLE, "h1", null, alice.next());
        alice.hearsNothing();
        assertEquals(List.of(), kit.chat.names().list().toCompletableFuture().join(), "the name went back");

        outage.down = false;
        alice.says("{'type':'hello','user':'alice','ref':'h2'}");
        assertEquals("alice", alice.next(Event.Welcome.class).user());
        V2Client bob = kit.v2();
        bob.hello("bob");
        bob.says("{'type':'send','to':'alice','text':'hi','cid':'b1'}");
        assertEquals(1, bob.all().stream().filter(Event.Ack.class::isInstance).count(), "bob's whisper acked");
        assertEquals("hi", alice.next(Event.Message.class).text(), "alice's inbox is hers, once");
        alice.hearsNothing();
    }

    // ---- rooms

    @Test
    void joinAndLeave() {
        V2Client alice = kit.v2();
        alice.hello("alice");

        alice.says("{'type':'join','room':'tea','ref':'j1'}");
        Joined joined = alice.next(Joined.class);
        assertEquals(new Joined("tea", new Resume(joined.position().epoch(), 0, false, 0),
                Optional.of(List.of("alice")), 1, Optional.of("j1")), joined);
        alice.hearsNothing();

        alice.says("{'type':'leave','room':'tea','ref':'l1'}");
        assertEquals(new Left("tea", Optional.of("l1")), alice.next());
        alice.hearsNothing();

        alice.says("{'type':'leave','room':'tea','ref':'l2'}");
        assertError(NOT_JOINED, "l2", null, alice.next());
        alice.says("{'type':'send','room':'tea','text':'hi','cid':'c1','ref':'s1'}");
        assertError(NOT_JOINED, "s1", "c1", alice.next());
        alice.says("{'type':'history','room':'tea','ref':'h1'}");
        assertError(NOT_JOINED, "h1", null, alice.next());
        alice.says("{'type':'members','room':'tea','ref':'m1'}");
        assertError(NOT_JOINED, "m1", null, alice.next());
        kit.presenceInterval();
        alice.hearsNothing();
    }

    @Test
    void aConnectionIsInAtMostRoomsPerConnectionRooms() {
        kit = new ChatTestKit(ChatTestKit.settings().roomsPerConnection(2));
        V2Client alice = kit.v2();
        alice.hello("alice");
        alice.join("a");
        alice.join("b");

        alice.says("{'type':'join','room':'c','ref':'j3'}");
        assertError(TOO_MANY_ROOMS, "j3", null, alice.next());
        alice.hearsNothing();

        // joining a room it is in again repairs a gap: it takes no new room
        alice.says("{'type':'join','room':'a','ref':'again'}");
        Joined again = alice.next(Joined.class);
        assertEquals(new Joined("a", new Resume(again.position().epoch(), 0, false, 0), Optional.of(List.of("alice")),
                1, Optional.of("again")), again);

        alice.says("{'type':'leave','room':'a'}");
        alice.next(Left.class);
        assertEquals("c", alice.join("c").room());
        alice.hearsNothing();
    }

    @Test
    void theServerHoldsAtMostRoomsMaxRooms() {
        kit = new ChatTestKit(ChatTestKit.settings().maxRooms(2));
        V2Client alice = kit.v2();
        alice.hello("alice");
        V2Client bob = kit.v2();
        bob.hello("bob");
        alice.join("a");
        alice.join("b");

        bob.says("{'type':'join','room':'c','ref':'j1'}");
        assertError(TOO_MANY_ROOMS, "j1", null, bob.next());
        bob.hearsNothing();
        assertEquals(List.of("alice", "bob"), bob.join("a").members().orElseThrow()); // a room that exists

        alice.says("{'type':'leave','room':'b'}"); // b has nobody left, so it is gone
        alice.next(Left.class);
        assertEquals("c", bob.join("c").room());
    }

    @Test
    void aRoomNumbersItsMessagesOneTwoThree() {
        V2Client alice = kit.v2();
        alice.hello("alice");
        V2Client bob = kit.v2();
        bob.hello("bob");
        String epoch = settledIn("tea", alice, bob);

        alice.says("{'type':'send','room':'tea','text':'one','cid':'a1','ref':'s1'}");
        alice.says("{'type':'send','room':'tea','text':'two','cid':'a2'}");
        bob.says("{'type':'send','room':'tea','text':'three','cid':'b1'}");
        alice.says("{'type':'send','room':'tea','text':'four','cid':'a3'}");

        Message one = message("tea", 1, epoch, "alice", "one", "a1");
        Message two = message("tea", 2, epoch, "alice", "two", "a2");
        Message three = message("tea", 3, epoch, "bob", "three", "b1");
        Message four = message("tea", 4, epoch, "alice", "four", "a3");
        assertEquals(List.of(one, ack("a1", 1, false, "tea", "s1"), two, ack("a2", 2, false, "tea", null), three,
                four, ack("a3", 4, false, "tea", null)), alice.all());
        assertEquals(List.of(one, two, three, ack("b1", 3, false, "tea", null), four), bob.all());
    }

    @Test
    void aRetriedCidIsStoredOnceEvenFromANewSession() {
        V2Client alice = kit.v2();
        alice.hello("alice");
        V2Client bob = kit.v2();
        bob.hello("bob");
        String epoch = settledIn("tea", alice, bob);

        alice.says("{'type':'send','room':'tea','text':'hi','cid':'c1'}");
        assertEquals(List.of(message("tea", 1, epoch, "alice", "hi", "c1"), ack("c1", 1, false, "tea", null)),
                alice.all());
        bob.skipAll();

        alice.says("{'type':'send','room':'tea','text':'hi','cid':'c1','ref':'retry'}");
        assertEquals(List.of(ack("c1", 1, true, "tea", "retry")), alice.all());
        bob.hearsNothing();

        // the connection drops before the ack arrives: the user comes back and sends it again
        alice.closes();
        kit.presenceInterval();
        assertEquals(List.of(new Presence("tea", List.of(), List.of("alice"))), bob.all());
        V2Client aliceAgain = kit.v2();
        aliceAgain.hello("alice");
        aliceAgain.join("tea");
        kit.presenceInterval();
        assertEquals(List.of(new Presence("tea", List.of("alice"), List.of())), bob.all());
        aliceAgain.skipAll(); // the on-join replay and the presence
        aliceAgain.says("{'type':'send','room':'tea','text':'hi','cid':'c1'}");
        assertEquals(List.of(ack("c1", 1, true, "tea", null)), aliceAgain.all());
        bob.hearsNothing();

        aliceAgain.says("{'type':'send','room':'tea','text':'and more','cid':'c2'}");
        assertEquals(List.of(message("tea", 2, epoch, "alice", "and more", "c2"), ack("c2", 2, false, "tea", null)),
                aliceAgain.all());
        assertEquals(List.of(message("tea", 2, epoch, "alice", "and more", "c2")), bob.all());
    }

    // ---- private messages

    @Test
    void aPrivateMessageIsStoredInBothInboxes() {
        V2Client alice = kit.v2();
        String aliceInbox = alice.hello("alice").inbox().epoch();
        V2Client bob = kit.v2();
        String bobInbox = bob.hello("bob").inbox().epoch();
        V2Client carol = kit.v2();
        String carolInbox = carol.hello("carol").inbox().epoch();

        carol.says("{'type':'send','to':'alice','text':'first','cid':'k1'}");
        assertEquals(List.of(whisper("alice", "carol", 1, aliceInbox, "first", "k1")), alice.all());
        assertEquals(List.of(whisper("alice", "carol", 1, carolInbox, "first", "k1"),
                new Ack("k1", 1, false, Optional.empty(), Optional.of("alice"), Optional.empty())), carol.all());

        // alice's inbox is at 1 now, bob's is empty: each numbers on its own
        alice.says("{'type':'send','to':'bob','text':'psst','cid':'p1','ref':'r1'}");
        assertEquals(List.of(whisper("bob", "alice", 1, bobInbox, "psst", "p1")), bob.all());
        assertEquals(List.of(whisper("bob", "alice", 2, aliceInbox, "psst", "p1"),
                new Ack("p1", 2, false, Optional.empty(), Optional.of("bob"), Optional.of("r1"))), alice.all());
        carol.hearsNothing();

        // a retry is stored in neither inbox again
        alice.says("{'type':'send','to':'bob','text':'psst','cid':'p1'}");
        assertEquals(List.of(new Ack("p1", 2, true, Optional.empty(), Optional.of("bob"), Optional.empty())),
                alice.all());
        bob.hearsNothing();
    }

    @Test
    void aPrivateMessageNeedsItsReceiverOnline() {
        V2Client alice = kit.v2();
        alice.hello("alice");
        V2Client bob = kit.v2();
        bob.hello("bob");

        alice.says("{'type':'send','to':'dave','text':'hi','cid':'p1','ref':'r1'}");
        assertError(NO_SUCH_USER, "r1", "p1", alice.next());
        bob.closes();
        alice.says("{'type':'send','to':'bob','text':'hi','cid':'p2'}");
        assertError(NO_SUCH_USER, null, "p2", alice.next());
        alice.hearsNothing();
    }

    @Test
    void aFreedNamesNewHolderGetsAFreshInbox() {
        V2Client alice = kit.v2();
        alice.hello("alice");
        V2Client bob = kit.v2();
        String firstInbox = bob.hello("bob").inbox().epoch();
        alice.says("{'type':'send','to':'bob','text':'for the first bob','cid':'p1'}");
        assertEquals(List.of(whisper("bob", "alice", 1, firstInbox, "for the first bob", "p1")), bob.all());
        alice.skipAll();

        bob.closes();
        V2Client newBob = kit.v2();
        newBob.says("{'type':'hello','user':'bob'}");
        Welcome welcome = newBob.next(Welcome.class);
        assertNotEquals(firstInbox, welcome.inbox().epoch());
        assertEquals(new Welcome("bob", new Resume(welcome.inbox().epoch(), 0, false, 0), Optional.empty()), welcome);
        newBob.hearsNothing(); // nothing of the first bob's

        alice.says("{'type':'send','to':'bob','text':'for the new bob','cid':'p2'}");
        assertEquals(List.of(whisper("bob", "alice", 1, welcome.inbox().epoch(), "for the new bob", "p2")),
                newBob.all());
    }

    // ---- recovery

    @Test
    void aJoinSinceItsLastMessageRecoversExactlyWhatItMissed() {
        V2Client alice = kit.v2();
        alice.hello("alice");
        V2Client bob = kit.v2();
        bob.hello("bob");
        String epoch = settledIn("tea", alice, bob);
        post(alice, "tea", 1, 2);
        bob.skipAll(); // bob saw up to seq 2
        bob.says("{'type':'leave','room':'tea'}");
        bob.next(Left.class);
        post(alice, "tea", 3, 4);

        bob.says("{'type':'join','room':'tea','since':{'epoch':'" + epoch + "','seq':2},'ref':'back'}");
        assertEquals(List.of(
                new Joined("tea", new Resume(epoch, 4, true, 2), Optional.of(List.of("alice", "bob")), 2,
                        Optional.of("back")),
                message("tea", 3, epoch, "alice", "m3", "c3"),
                message("tea", 4, epoch, "alice", "m4", "c4")), bob.all());

        post(alice, "tea", 5, 5);
        assertEquals(List.of(message("tea", 5, epoch, "alice", "m5", "c5")), bob.all());
    }

    @Test
    void aJoinThatMissedNothingIsRecoveredWithNothing() {
        V2Client alice = kit.v2();
        alice.hello("alice");
        V2Client bob = kit.v2();
        bob.hello("bob");
        String epoch = settledIn("tea", alice, bob);
        post(alice, "tea", 1, 4);
        bob.skipAll();
        bob.closes();

        V2Client bobAgain = kit.v2();
        bobAgain.hello("bob");
        bobAgain.says("{'type':'join','room':'tea','since':{'epoch':'" + epoch + "','seq':4}}");
        assertEquals(List.of(new Joined("tea", new Resume(epoch, 4, true, 0), Optional.of(List.of("alice", "bob")), 2,
                Optional.empty())), bobAgain.all());
    }

    @Test
    void aJoinFromAnotherEpochGetsTheLatestOnJoinMessages() {
        kit = new ChatTestKit(ChatTestKit.settings().onJoin(2));
        V2Client alice = kit.v2();
        alice.hello("alice");
        String epoch = settledIn("tea", alice);
        post(alice, "tea", 1, 4);

        V2Client bob = kit.v2();
        bob.hello("bob");
        bob.says("{'type':'join','room':'tea','since':{'epoch':'gone','seq':1}}");
        assertEquals(List.of(
                new Joined("tea", new Resume(epoch, 4, false, 2), Optional.of(List.of("alice", "bob")), 2,
                        Optional.empty()),
                message("tea", 3, epoch, "alice", "m3", "c3"),
                message("tea", 4, epoch, "alice", "m4", "c4")), bob.all());
    }

    @Test
    void aJoinWithoutSinceGetsTheLatestOnJoinMessages() {
        kit = new ChatTestKit(ChatTestKit.settings().onJoin(2));
        V2Client alice = kit.v2();
        alice.hello("alice");
        String epoch = settledIn("tea", alice);
        post(alice, "tea", 1, 3);

        V2Client bob = kit.v2();
        bob.hello("bob");
        bob.says("{'type':'join','room':'tea'}");
        assertEquals(List.of(
                new Joined("tea", new Resume(epoch, 3, false, 2), Optional.of(List.of("alice", "bob")), 2,
                        Optional.empty()),
                message("tea", 2, epoch, "alice", "m2", "c2"),
                message("tea", 3, epoch, "alice", "m3", "c3")), bob.all());
    }

    @Test
    void aGapInTrimmedHistoryIsNeverRecoveredInPart() {
        kit = new ChatTestKit(ChatTestKit.settings().historySize(3).onJoin(2));
        V2Client alice = kit.v2();
        alice.hello("alice");
        String epoch = settledIn("tea", alice);
        post(alice, "tea", 1, 6); // 4, 5 and 6 are held

        V2Client bob = kit.v2();
        bob.hello("bob");
        // bob saw 2: 3 is gone, so 4 to 6 would be a partial recovery
        bob.says("{'type':'join','room':'tea','since':{'epoch':'" + epoch + "','seq':2}}");
        assertEquals(List.of(
                new Joined("tea", new Resume(epoch, 6, false, 2), Optional.of(List.of("alice", "bob")), 2,
                        Optional.empty()),
                message("tea", 5, epoch, "alice", "m5", "c5"),
                message("tea", 6, epoch, "alice", "m6", "c6")), bob.all());
        bob.says("{'type':'leave','room':'tea'}");
        bob.next(Left.class);

        // bob saw 3: all it missed is held
        bob.says("{'type':'join','room':'tea','since':{'epoch':'" + epoch + "','seq':3}}");
        assertEquals(List.of(
                new Joined("tea", new Resume(epoch, 6, true, 3), Optional.of(List.of("alice", "bob")), 2,
                        Optional.empty()),
                message("tea", 4, epoch, "alice", "m4", "c4"),
                message("tea", 5, epoch, "alice", "m5", "c5"),
                message("tea", 6, epoch, "alice", "m6", "c6")), bob.all());
    }

    @Test
    void joiningARoomAgainRepairsAGapWithoutDuplicates() {
        V2Client alice = kit.v2();
        alice.hello("alice");
        V2Client bob = kit.v2();
        bob.hello("bob");
        String epoch = settledIn("tea", alice, bob);
        post(alice, "tea", 1, 3);
        bob.skipAll(); // bob's client lost 2 and 3, say

        bob.says("{'type':'join','room':'tea','since':{'epoch':'" + epoch + "','seq':1},'ref':'repair'}");
        assertEquals(List.of(
                new Joined("tea", new Resume(epoch, 3, true, 2), Optional.of(List.of("alice", "bob")), 2,
                        Optional.of("repair")),
                message("tea", 2, epoch, "alice", "m2", "c2"),
                message("tea", 3, epoch, "alice", "m3", "c3")), bob.all());
        post(alice, "tea", 4, 4);
        assertEquals(List.of(message("tea", 4, epoch, "alice", "m4", "c4")), bob.all());
        kit.presenceInterval();
        bob.hearsNothing(); // the rejoin was no join: nobody is told of it
        alice.hearsNothing();
    }

    // ---- history and members

    @Test
    void historyPagesBackwards() {
        V2Client alice = kit.v2();
        alice.hello("alice");
        String epoch = settledIn("tea", alice);
        post(alice, "tea", 1, 5);

        alice.says("{'type':'history','room':'tea','limit':2,'ref':'p1'}");
        assertEquals(new History("tea", List.of(message("tea", 4, epoch, "alice", "m4", "c4"),
                message("tea", 5, epoch, "alice", "m5", "c5")), true, Optional.of("p1")), alice.next());
        alice.says("{'type':'history','room':'tea','before':4,'limit':2,'ref':'p2'}");
        assertEquals(new History("tea", List.of(message("tea", 2, epoch, "alice", "m2", "c2"),
                message("tea", 3, epoch, "alice", "m3", "c3")), true, Optional.of("p2")), alice.next());
        alice.says("{'type':'history','room':'tea','before':2,'limit':2}");
        assertEquals(new History("tea", List.of(message("tea", 1, epoch, "alice", "m1", "c1")), false,
                Optional.empty()), alice.next());
        alice.says("{'type':'history','room':'tea','before':4,'limit':3}");
        assertEquals(new History("tea", List.of(message("tea", 1, epoch, "alice", "m1", "c1"),
                message("tea", 2, epoch, "alice", "m2", "c2"), message("tea", 3, epoch, "alice", "m3", "c3")), false,
                Optional.empty()), alice.next());
        alice.says("{'type':'history','room':'tea'}");
        assertEquals(5, assertInstanceOf(History.class, alice.next()).messages().size());
        alice.hearsNothing();
    }

    @Test
    void membersPageForwardsInOrderOfJoining() {
        V2Client amy = kit.v2();
        amy.hello("amy");
        List<V2Client> others = List.of(kit.v2(), kit.v2(), kit.v2(), kit.v2());
        List<String> names = List.of("ben", "cat", "dan", "eve");
        for (int i = 0; i < others.size(); i++) {
            others.get(i).hello(names.get(i));
        }
        settledIn("tea", amy, others.get(0), others.get(1), others.get(2), others.get(3));

        amy.says("{'type':'members','room':'tea','limit':2,'ref':'m1'}");
        assertEquals(new Members("tea", List.of("amy", "ben"), Optional.of("ben"), Optional.of("m1")), amy.next());
        amy.says("{'type':'members','room':'tea','after':'ben','limit':2,'ref':'m2'}");
        assertEquals(new Members("tea", List.of("cat", "dan"), Optional.of("dan"), Optional.of("m2")), amy.next());
        amy.says("{'type':'members','room':'tea','after':'dan','limit':2}");
        assertEquals(new Members("tea", List.of("eve"), Optional.empty(), Optional.empty()), amy.next());
        amy.says("{'type':'members','room':'tea','limit':5}");
        assertEquals(new Members("tea", List.of("amy", "ben", "cat", "dan", "eve"), Optional.empty(),
                Optional.empty()), amy.next());
        amy.says("{'type':'members','room':'tea'}");
        assertEquals(new Members("tea", List.of("amy", "ben", "cat", "dan", "eve"), Optional.empty(),
                Optional.empty()), amy.next());
        amy.hearsNothing();
    }

    // ---- presence

    @Test
    void presenceIsCoalescedOverTheInterval() {
        V2Client alice = kit.v2();
        alice.hello("alice");
        settledIn("tea", alice);
        V2Client bob = kit.v2();
        bob.hello("bob");
        V2Client carol = kit.v2();
        carol.hello("carol");
        V2Client dave = kit.v2();
        dave.hello("dave");

        bob.join("tea");
        kit.advance(Duration.ofMillis(300));
        carol.join("tea");
        kit.advance(Duration.ofMillis(699));
        alice.hearsNothing();
        kit.advance(Duration.ofMillis(1));
        assertEquals(List.of(new Presence("tea", List.of("bob", "carol"), List.of())), alice.all());

        bob.says("{'type':'leave','room':'tea'}");
        dave.join("tea");
        kit.advance(Duration.ofMillis(999));
        alice.hearsNothing();
        kit.advance(Duration.ofMillis(1));
        assertEquals(List.of(new Presence("tea", List.of("dave"), List.of("bob"))), alice.all());
        kit.presenceInterval();
        alice.hearsNothing();
        assertEquals(0, kit.scheduler.pending());
    }

    @Test
    void aMembersJoinIsToldBeforeItsFirstMessageAndItsLeaveAfterItsLast() {
        V2Client alice = kit.v2();
        alice.hello("alice");
        String epoch = settledIn("tea", alice);
        V2Client bob = kit.v2();
        bob.hello("bob");

        bob.join("tea");
        bob.says("{'type':'send','room':'tea','text':'hello','cid':'b1'}");
        assertEquals(List.of(new Presence("tea", List.of("bob"), List.of()),
                message("tea", 1, epoch, "bob", "hello", "b1")), alice.all());
        kit.presenceInterval();
        alice.hearsNothing(); // told already

        bob.says("{'type':'send','room':'tea','text':'bye','cid':'b2'}");
        bob.says("{'type':'leave','room':'tea'}");
        assertEquals(List.of(message("tea", 2, epoch, "bob", "bye", "b2")), alice.all());
        kit.presenceInterval();
        assertEquals(List.of(new Presence("tea", List.of(), List.of("bob"))), alice.all());
    }

    @Test
    void aLeaveAndAJoinOfOneUserAreToldInTheirOrder() {
        V2Client alice = kit.v2();
        alice.hello("alice");
        V2Client bob = kit.v2();
        bob.hello("bob");
        settledIn("tea", alice, bob);

        bob.says("{'type':'leave','room':'tea'}");
        bob.next(Left.class);
        bob.join("tea");
        assertEquals(List.of(new Presence("tea", List.of(), List.of("bob"))), alice.all());
        kit.presenceInterval();
        assertEquals(List.of(new Presence("tea", List.of("bob"), List.of())), alice.all());
    }

    @Test
    void aRoomOverTheFullLimitIsToldOnlyItsCountOncePerIntervalPerLimitItHolds() {
        kit = new ChatTestKit(ChatTestKit.settings().fullPresence(2));
        V2Client amy = kit.v2();
        amy.hello("amy");
        V2Client ben = kit.v2();
        ben.hello("ben");
        String epoch = settledIn("tea", amy, ben);
        V2Client cat = kit.v2();
        cat.hello("cat");
        V2Client dan = kit.v2();
        dan.hello("dan");
        V2Client eve = kit.v2();
        eve.hello("eve");

        Joined catJoined = cat.join("tea");
        assertEquals(new Joined("tea", new Resume(epoch, 0, false, 0), Optional.empty(), 3, Optional.empty()),
                catJoined);
        amy.hearsNothing();
        kit.presenceInterval();
        amy.hearsNothing(); // 3 members, twice the limit of 2 (rounded up): every other interval
        kit.presenceInterval();
        assertEquals(List.of(new PresenceCount("tea", 3)), amy.all());

        // names are not told, so there is nothing to put before dan's message: the count waits its turn
        dan.join("tea");
        dan.says("{'type':'send','room':'tea','text':'hi','cid':'d1'}");
        assertEquals(List.of(message("tea", 1, epoch, "dan", "hi", "d1")), amy.all());
        kit.presenceInterval();
        amy.hearsNothing();
        kit.presenceInterval();
        assertEquals(List.of(new PresenceCount("tea", 4)), amy.all());

        // in and out within one wait: the count is what it was, so nothing is told
        eve.join("tea");
        eve.says("{'type':'leave','room':'tea'}");
        amy.hearsNothing();
        kit.presenceInterval();
        kit.presenceInterval();
        amy.hearsNothing();
    }

    // ---- refs

    @Test
    void everyReplyAndErrorRepeatsItsRequestsRef() {
        V2Client alice = kit.v2();
        alice.says("{'type':'hello','user':'alice','ref':'1'}");
        assertEquals(Optional.of("1"), alice.next(Welcome.class).ref());
        alice.says("{'type':'join','room':'tea','ref':'2'}");
        assertEquals(Optional.of("2"), alice.next(Joined.class).ref());
        kit.presenceInterval();
        alice.skipAll();
        alice.says("{'type':'send','room':'tea','text':'hi','cid':'c1','ref':'3'}");
        alice.next(Message.class);
        assertEquals(Optional.of("3"), alice.next(Ack.class).ref());
        alice.says("{'type':'history','room':'tea','ref':'4'}");
        assertEquals(Optional.of("4"), alice.next(History.class).ref());
        alice.says("{'type':'members','room':'tea','ref':'5'}");
        assertEquals(Optional.of("5"), alice.next(Members.class).ref());
        alice.says("{'type':'leave','room':'tea','ref':'6'}");
        assertEquals(Optional.of("6"), alice.next(Left.class).ref());

        alice.says("{'type':'join','room':'','ref':'7'}");
        assertError(BAD_ROOM, "7", null, alice.next());
        alice.says("{'type':'dance','ref':'8'}");
        assertError(UNKNOWN_TYPE, "8", null, alice.next());
        alice.says("{'type':'send','room':'tea','cid':'c2','ref':'9'}");
        assertError(BAD_MESSAGE, "9", "c2", alice.next());
        alice.hearsNothing();
    }

    // ---- helpers

    /** Joins every client to {@code room}, lets their presence be told, and forgets what they heard: the room's epoch. */
    private String settledIn(String room, V2Client... clients) {
        String epoch = null;
        for (V2Client client : clients) {
            epoch = client.join(room).position().epoch();
        }
        kit.presenceInterval();
        for (V2Client client : clients) {
            client.skipAll();
        }
        return epoch;
    }

    /** {@code from} sends "m{n}" with cid "c{n}" for n from {@code first} to {@code last}; its own copies and acks are taken. */
    private static void post(V2Client from, String room, int first, int last) {
        for (int n = first; n <= last; n++) {
            from.says("{'type':'send','room':'" + room + "','text':'m" + n + "','cid':'c" + n + "'}");
        }
        from.skipAll();
    }

    /** A room message as stored now. */
    private Message message(String room, long seq, String epoch, String from, String text, String cid) {
        return new Message(Optional.of(room), Optional.empty(), from, seq, epoch, text, kit.clock.instant(),
                Optional.ofNullable(cid));
    }

    /** A private message as stored now, numbered in the inbox of {@code epoch}. */
    private Message whisper(String to, String from, long seq, String epoch, String text, String cid) {
        return new Message(Optional.empty(), Optional.of(to), from, seq, epoch, text, kit.clock.instant(),
                Optional.ofNullable(cid));
    }

    private static Ack ack(String cid, long seq, boolean dup, String room, String ref) {
        return new Ack(cid, seq, dup, Optional.of(room), Optional.empty(), Optional.ofNullable(ref));
    }

    /** An error with {@code code}, repeating {@code ref} and {@code cid} (null: none), and some reason. */
    private static void assertError(ErrorCode code, String ref, String cid, Event event) {
        Event.Error error = assertInstanceOf(Event.Error.class, event);
        assertFalse(error.reason().isBlank(), "an error gives a reason");
        assertEquals(new Event.Error(code, error.reason(), Optional.ofNullable(ref), Optional.ofNullable(cid)), error);
    }

    /** A leave the bus missed (Redis out of reach) is made once the bus is back, or its user stays listed. */
    @Test
    void aLeaveTheBusMissedIsMadeOnceItIsBack() {
        OutageBus outage = withOutage();
        V2Client alice = kit.v2();
        alice.hello("alice");
        alice.join("tea");
        V2Client bob = kit.v2();
        bob.hello("bob");
        bob.join("tea");
        kit.presenceInterval();
        alice.skipAll();
        bob.skipAll();

        outage.leavesDown = true;
        bob.says("{'type':'leave','room':'tea','ref':'l1'}");
        assertError(ErrorCode.UNAVAILABLE, "l1", null, bob.next());
        kit.advance(Duration.ofSeconds(3));
        kit.presenceInterval();
        assertEquals(List.of(), alice.all(), "not made yet");

        outage.leavesDown = false;
        kit.advance(Duration.ofSeconds(1));
        kit.presenceInterval();
        assertEquals(List.of(new Event.Presence("tea", List.of(), List.of("bob"))), alice.all());
        kit.advance(Duration.ofSeconds(10));
        kit.presenceInterval();
        assertEquals(List.of(), alice.all(), "made once");
    }

    /**
     * A join the bus could not make is answered {@code unavailable} and holds nothing: its retry is a join of
     * its own, which the room's other members are told of, not a repair of a membership nobody else knows.
     */
    @Test
    void aJoinTheBusCouldNotMakeIsMadeByItsRetry() {
        OutageBus outage = withOutage();
        V2Client alice = kit.v2();
        alice.hello("alice");
        alice.join("tea");
        V2Client bob = kit.v2();
        bob.hello("bob");
        kit.presenceInterval();
        alice.skipAll();

        outage.joinsDown = true;
        bob.says("{'type':'join','room':'tea','ref':'j1'}");
        assertError(ErrorCode.UNAVAILABLE, "j1", null, bob.next());
        bob.says("{'type':'send','room':'tea','text':'in?','cid':'b1','ref':'s1'}");
        assertError(NOT_JOINED, "s1", "b1", bob.next());
        outage.joinsDown = false;
        bob.says("{'type':'join','room':'tea','ref':'j2'}");
        Joined joined = bob.next(Joined.class);
        assertEquals(Optional.of(List.of("alice", "bob")), joined.members(), "bob is a member, as everyone sees");
        kit.presenceInterval();
        assertEquals(List.of(new Event.Presence("tea", List.of("bob"), List.of())), alice.all());
    }

    /** This test's chat, on a bus whose calls the test makes fail. */
    private OutageBus withOutage() {
        OutageBus[] outage = new OutageBus[1];
        kit = new ChatTestKit(ChatTestKit.settings(), bus -> outage[0] = new OutageBus(bus));
        return outage[0];
    }
}
