package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import dev.parley.chat.protocol.v2.Event;
import dev.parley.chat.protocol.v2.Position;
import dev.parley.chat.protocol.v2.Request;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Protocol {@code parley.v2} through real clients: every request, reply and refusal, and the v1 bridge. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class V2ChatIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    private URI chat() {
        return Deployments.ws(base, "chat");
    }

    @Test
    void aClientThatAsksForNoSubprotocolSpeaksV1() {
        WsClient plain = WsClient.connect(chat());
        try {
            assertEquals("", plain.subprotocol() == null ? "" : plain.subprotocol());
            assertEquals("{\"type\":\"handshake\"}", plain.nextText());
        } finally {
            plain.close();
        }
    }

    @Test
    void roomsMessagesAcksAndHistory() {
        try (V2User ann = V2User.hello(chat(), "v2-ann"); V2User ben = V2User.hello(chat(), "v2-ben")) {
            Event.Joined annJoined = ann.join("v2-room");
            assertEquals(new Event.Resume(annJoined.position().epoch(), 0, false, 0), annJoined.position());
            assertEquals(Optional.of(List.of("v2-ann")), annJoined.members());
            assertEquals(1, annJoined.count());

            Event.Joined benJoined = ben.join("v2-room");
            assertEquals(Optional.of(List.of("v2-ann", "v2-ben")), benJoined.members());
            assertEquals(new Event.Presence("v2-room", List.of("v2-ben"), List.of()), ann.next());

            Instant before = Instant.now().minusSeconds(5);
            ann.send(new Request.SendToRoom("v2-room", "hello ben", "c-1", Optional.of("r-1")));
            Event.Message received = ben.nextIgnoringPresence(Event.Message.class);
            assertEquals(new Event.Ack("c-1", 1, false, Optional.of("v2-room"), Optional.empty(), Optional.of("r-1")),
                    ann.acked());
            assertEquals(new Event.Message(Optional.of("v2-room"), Optional.empty(), "v2-ann", 1,
                    annJoined.position().epoch(), "hello ben", received.time(), Optional.of("c-1")), received);
            assertTrue(received.time().isAfter(before), "server time " + received.time());

            for (int i = 2; i <= 5; i++) {
                ben.say("v2-room", "m" + i, "b-" + i);
                assertEquals(i, ben.acked().seq());
                assertEquals(i, ann.nextIgnoringPresence(Event.Message.class).seq());
            }

            // a retried cid is stored once; its ack repeats the seq
            ben.say("v2-room", "m5 again", "b-5");
            Event.Ack dup = ben.nextIgnoringPresence(Event.Ack.class);
            assertEquals(5, dup.seq());
            assertTrue(dup.dup());

            ann.send(new Request.History("v2-room", OptionalLong.of(5), 2, Optional.of("h")));
            Event.History page = ann.nextIgnoringPresence(Event.History.class);
            assertEquals(List.of(3L, 4L), page.messages().stream().map(Event.Message::seq).toList());
            assertTrue(page.more());
            assertEquals(Optional.of("h"), page.ref());
            ann.history("v2-room", OptionalLong.of(3), 100);
            Event.History first = ann.nextIgnoringPresence(Event.History.class);
            assertEquals(List.of(1L, 2L), first.messages().stream().map(Event.Message::seq).toList());
            assertFalse(first.more());
            assertEquals("hello ben", first.messages().get(0).text());

            ann.send(new Request.Members("v2-room", Optional.empty(), 1, Optional.empty()));
            assertEquals(new Event.Members("v2-room", List.of("v2-ann"), Optional.of("v2-ann"), Optional.empty()),
                    ann.nextIgnoringPresence());
            ann.send(new Request.Members("v2-room", Optional.of("v2-ann"), 1, Optional.empty()));
            assertEquals(new Event.Members("v2-room", List.of("v2-ben"), Optional.empty(), Optional.empty()),
                    ann.nextIgnoringPresence());

            ben.send(new Request.Leave("v2-room", Optional.of("bye")));
            assertEquals(new Event.Left("v2-room", Optional.of("bye")), ben.nextIgnoringPresence());
            assertEquals(new Event.Presence("v2-room", List.of(), List.of("v2-ben")), ann.next());
            ben.say("v2-room", "gone", "b-6");
            assertEquals(Optional.of("b-6"), ben.expectError(ErrorCode.NOT_JOINED).cid());
        }
    }

    @Test
    void aNewcomerSeesTheRecentConversationAndAReturningMemberResumes() {
        try (V2User cat = V2User.hello(chat(), "v2-cat")) {
            Event.Joined joined = cat.join("v2-resume");
            for (int i = 1; i <= 3; i++) {
                cat.say("v2-resume", "x" + i, "x" + i);
                cat.acked();
            }
            String epoch = joined.position().epoch();
            try (V2User dan = V2User.hello(chat(), "v2-dan")) {
                Event.Joined fresh = dan.join("v2-resume");
                assertEquals(new Event.Resume(epoch, 3, false, 3), fresh.position());
                assertEquals(List.of("x1", "x2", "x3"), texts(dan, 3));

                Event.Joined resumed = dan.join("v2-resume", Optional.of(new Position(epoch, 1)));
                assertEquals(new Event.Resume(epoch, 3, true, 2), resumed.position(), "a join again repairs a gap");
                assertEquals(List.of("x2", "x3"), texts(dan, 2));

                Event.Joined upToDate = dan.join("v2-resume", Optional.of(new Position(epoch, 3)));
                assertEquals(new Event.Resume(epoch, 3, true, 0), upToDate.position());

                Event.Joined otherEpoch = dan.join("v2-resume", Optional.of(new Position("not-" + epoch, 3)));
                assertEquals(new Event.Resume(epoch, 3, false, 3), otherEpoch.position());
                assertEquals(List.of("x1", "x2", "x3"), texts(dan, 3));

                cat.say("v2-resume", "live", "x4");
                assertEquals(4, dan.nextIgnoringPresence(Event.Message.class).seq(), "live after the replay");
            }
        }
    }

    @Test
    void privateMessagesGoToBothInboxes() {
        try (V2User eve = V2User.hello(chat(), "v2-eve"); V2User fay = V2User.hello(chat(), "v2-fay")) {
            eve.send(new Request.SendToUser("v2-fay", "psst", "p-1", Optional.of("pr")));
            Event.Message toFay = fay.next(Event.Message.class);
            assertEquals(Optional.of("v2-fay"), toFay.to());
            assertEquals(Optional.empty(), toFay.room());
            assertEquals("v2-eve", toFay.from());
            assertEquals(1, toFay.seq());
            assertEquals(new Event.Ack("p-1", 1, false, Optional.empty(), Optional.of("v2-fay"), Optional.of("pr")),
                    eve.acked(), "the sender's inbox holds its copy too");

            eve.sayTo("v2-nobody", "hello?", "p-2");
            Event.Error error = eve.expectError(ErrorCode.NO_SUCH_USER);
            assertEquals(Optional.of("p-2"), error.cid());
        }
    }

    @Test
    void everyRefusalHasItsCodeAndKeepsTheConnectionOpen() {
        try (V2User gus = V2User.connect(chat()); V2User taken = V2User.hello(chat(), "v2-taken")) {
            gus.send(new Request.Join("v2-early", Optional.empty(), Optional.of("j0")));
            assertEquals(Optional.of("j0"), gus.expectError(ErrorCode.HELLO_FIRST).ref());
            gus.send(new Request.Hello("v2-taken", Optional.empty(), Optional.empty()));
            gus.expectError(ErrorCode.UUID_TAKEN);
            gus.raw().send("{\"type\":\"hello\",\"user\":\"v2-gus\",\"inbox\":{\"epoch\":\"e\",\"seq\":4},\"ref\":\"w\"}");
            Event.Welcome welcome = gus.next(Event.Welcome.class);
            assertEquals(Optional.of("w"), welcome.ref());
            assertFalse(welcome.inbox().recovered(), "anonymous users have no inbox to resume");
            assertEquals(0, welcome.inbox().missed());
            gus.send(new Request.Hello("v2-gus2", Optional.empty(), Optional.empty()));
            gus.expectError(ErrorCode.ALREADY_REGISTERED);

            gus.raw().send("{]");
            gus.expectError(ErrorCode.BAD_JSON);
            gus.raw().send("[1]");
            gus.expectError(ErrorCode.BAD_MESSAGE);
            gus.raw().send("{\"type\":\"dance\",\"ref\":\"d\"}");
            assertEquals(Optional.of("d"), gus.expectError(ErrorCode.UNKNOWN_TYPE).ref());
            gus.raw().send("{\"type\":\"send\",\"room\":\"r\",\"to\":\"u\",\"text\":\"t\",\"cid\":\"c\"}");
            gus.expectError(ErrorCode.BAD_MESSAGE);
            gus.raw().send("{\"type\":\"join\",\"room\":\"\"}");
            gus.expectError(ErrorCode.BAD_ROOM);
            gus.raw().send(ByteBuffer.wrap(new byte[] {1}));
            gus.expectError(ErrorCode.BAD_MESSAGE);
            gus.leave("v2-never");
            gus.expectError(ErrorCode.NOT_JOINED);
            gus.history("v2-never", OptionalLong.empty(), 10);
            gus.expectError(ErrorCode.NOT_JOINED);

            for (int i = 0; i < 64; i++) {
                gus.join("v2-many-" + i);
            }
            gus.send(new Request.Join("v2-many-64", Optional.empty(), Optional.empty()));
            gus.expectError(ErrorCode.TOO_MANY_ROOMS);

            // still here
            gus.say("v2-many-0", "still here", "s");
            assertEquals(1, gus.acked().seq());
        }
    }

    @Test
    void v1AndV2ChatInTheLobby() {
        try (ChatUser tutorial = ChatUser.connect(chat()); V2User modern = V2User.hello(chat(), "v2-modern")) {
            tutorial.register("v1-old", "hi");
            tutorial.expect(new Login("v1-old", "hi", List.of("v1-old")));

            Event.Joined joined = modern.join("lobby");
            assertEquals(Optional.of(List.of("v1-old", "v2-modern")), joined.members());
            tutorial.expect(new Login("v2-modern", "", List.of("v1-old", "v2-modern")));

            tutorial.say("from v1");
            tutorial.expect(new UserMessage("from v1", "v1-old", Optional.empty()));
            Event.Message fromV1 = modern.nextIgnoringPresence(Event.Message.class);
            assertEquals("v1-old", fromV1.from());
            assertEquals("from v1", fromV1.text());
            assertEquals(Optional.empty(), fromV1.cid());

            modern.say("lobby", "from v2", "m-1");
            modern.acked();
            JsonObject v1View = json(tutorial.raw().nextText());
            assertEquals(json("{\"type\":\"user\",\"content\":\"from v2\",\"from\":\"v2-modern\"}"), v1View);

            modern.sayTo("v1-old", "private hello", "m-2");
            modern.acked();
            tutorial.expect(new UserMessage("private hello", "v2-modern", Optional.of("v1-old")));
            tutorial.sayTo("v2-modern", "private answer");
            tutorial.expect(new UserMessage("private answer", "v1-old", Optional.of("v2-modern")));
            Event.Message answer = modern.nextIgnoringPresence(Event.Message.class);
            assertEquals("private answer", answer.text());
            assertEquals(Optional.of("v2-modern"), answer.to());

            // one namespace: the v1 name is taken for v2, and the other way round
            try (V2User clash = V2User.connect(chat()); ChatUser clash1 = ChatUser.connect(chat())) {
                clash.send(new Request.Hello("v1-old", Optional.empty(), Optional.empty()));
                clash.expectError(ErrorCode.UUID_TAKEN);
                clash1.register("v2-modern", "");
                clash1.expectError(ErrorCode.UUID_TAKEN);
            }

            modern.leave("lobby");
            tutorial.expect(new Logout("v2-modern", "", List.of("v1-old")));
        }
    }

    private static List<String> texts(V2User user, int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(user.nextIgnoringPresence(Event.Message.class).text());
        }
        return texts;
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
