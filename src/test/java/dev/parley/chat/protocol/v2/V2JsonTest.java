package dev.parley.chat.protocol.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ProtocolException;
import dev.parley.chat.protocol.v2.Event.Ack;
import dev.parley.chat.protocol.v2.Event.Joined;
import dev.parley.chat.protocol.v2.Event.Left;
import dev.parley.chat.protocol.v2.Event.Message;
import dev.parley.chat.protocol.v2.Event.Presence;
import dev.parley.chat.protocol.v2.Event.PresenceCount;
import dev.parley.chat.protocol.v2.Event.Resume;
import dev.parley.chat.protocol.v2.Event.Welcome;
import dev.parley.chat.protocol.v2.Request.Hello;
import dev.parley.chat.protocol.v2.Request.Join;
import dev.parley.chat.protocol.v2.Request.Leave;
import dev.parley.chat.protocol.v2.Request.SendToRoom;
import dev.parley.chat.protocol.v2.Request.SendToUser;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class V2JsonTest {

    private static final Instant TIME = Instant.parse("2026-11-25T17:03:12.345Z");
    private static final Optional<String> NONE = Optional.empty();

    // ---- reading requests

    @Test
    void readsEachRequestWithAndWithoutItsOptionalFields() throws Exception {
        assertEquals(new Hello("alice", Optional.empty(), NONE), read("{'type':'hello','user':'alice'}"));
        assertEquals(new Hello("alice", Optional.of(new Position("e1", 7)), Optional.of("r1")),
                read("{'type':'hello','user':'alice','inbox':{'epoch':'e1','seq':7},'ref':'r1'}"));
        assertEquals(new Join("lobby", Optional.empty(), NONE), read("{'type':'join','room':'lobby'}"));
        assertEquals(new Join("lobby", Optional.of(new Position("e2", 0)), Optional.of("r2")),
                read("{'type':'join','room':'lobby','since':{'epoch':'e2','seq':0},'ref':'r2'}"));
        assertEquals(new Leave("lobby", NONE), read("{'type':'leave','room':'lobby'}"));
        assertEquals(new SendToRoom("lobby", "hi", "c1", NONE),
                read("{'type':'send','room':'lobby','text':'hi','cid':'c1'}"));
        assertEquals(new SendToUser("bob", "", "c2", Optional.of("r3")),
                read("{'type':'send','to':'bob','text':'','cid':'c2','ref':'r3'}"));
        assertEquals(new Request.History("lobby", OptionalLong.empty(), 50, NONE),
                read("{'type':'history','room':'lobby'}"));
        assertEquals(new Request.History("lobby", OptionalLong.of(12), 100, Optional.of("r4")),
                read("{'type':'history','room':'lobby','before':12,'limit':100,'ref':'r4'}"));
        assertEquals(new Request.Members("lobby", NONE, 1000, NONE), read("{'type':'members','room':'lobby'}"));
        assertEquals(new Request.Members("lobby", Optional.of("carol"), 1, Optional.of("r5")),
                read("{'type':'members','room':'lobby','after':'carol','limit':1,'ref':'r5'}"));
    }

    @Test
    void ignoresUnknownFieldsAndTakesNullOptionalsAsAbsent() throws Exception {
        assertEquals(new SendToRoom("lobby", "hi", "c1", NONE),
                read("{'type':'send','room':'lobby','text':'hi','cid':'c1','from':'mallory','seq':9,'x':{}}"));
        assertEquals(new Hello("alice", Optional.empty(), NONE),
                read("{'type':'hello','user':'alice','inbox':null,'ref':null}"));
        assertEquals(new SendToUser("bob", "hi", "c1", NONE),
                read("{'type':'send','room':null,'to':'bob','text':'hi','cid':'c1'}"));
    }

    @Test
    void namesAreCountedInCodePoints() throws Exception {
        String emoji = "\uD83D\uDE00".repeat(64);
        assertEquals(new Join(emoji, Optional.empty(), Optional.of(emoji)),
                V2Json.readRequest("{\"type\":\"join\",\"room\":\"" + emoji + "\",\"ref\":\"" + emoji + "\"}"));
        assertEquals(new Hello("名前 with spaces", Optional.empty(), NONE),
                read("{'type':'hello','user':'名前 with spaces'}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        not json                                                                     | bad_json
        {"type":"hello"                                                              | bad_json
        ``                                                                           | bad_json
        []                                                                           | bad_message
        "hello"                                                                      | bad_message
        {}                                                                           | bad_message
        {"type":null}                                                                | bad_message
        {"type":3}                                                                   | bad_message
        {"type":"welcome"}                                                           | unknown_type
        {"type":""}                                                                  | unknown_type
        {"type":"hello","user":"a","token":"t"}                                      | bad_message
        {"type":"hello","user":null}                                                 | bad_message
        {"type":"hello","user":7}                                                    | bad_message
        {"type":"hello","user":""}                                                   | bad_message
        {"type":"hello","user":"a\\u0000"}                                           | bad_message
        {"type":"hello","user":"a\\u0085"}                                           | bad_message
        {"type":"hello","user":"a","inbox":"e1"}                                     | bad_message
        {"type":"hello","user":"a","inbox":{"seq":1}}                                | bad_message
        {"type":"hello","user":"a","inbox":{"epoch":"","seq":1}}                     | bad_message
        {"type":"hello","user":"a","inbox":{"epoch":"e"}}                            | bad_message
        {"type":"hello","user":"a","inbox":{"epoch":"e","seq":-1}}                   | bad_message
        {"type":"hello","user":"a","inbox":{"epoch":"e","seq":1.5}}                  | bad_message
        {"type":"hello","user":"a","inbox":{"epoch":"e","seq":1.0}}                  | bad_message
        {"type":"hello","user":"a","inbox":{"epoch":"e","seq":"1"}}                  | bad_message
        {"type":"hello","user":"a","inbox":{"epoch":"e","seq":9223372036854775808}}  | bad_message
        {"type":"join"}                                                              | bad_message
        {"type":"join","room":5}                                                     | bad_message
        {"type":"join","room":""}                                                    | bad_room
        {"type":"join","room":"tab\\there"}                                          | bad_room
        {"type":"join","room":"r","since":{"epoch":"e","seq":true}}                  | bad_message
        {"type":"leave","room":"\\u007f"}                                            | bad_room
        {"type":"leave","room":[]}                                                   | bad_message
        {"type":"send","text":"hi","cid":"c"}                                        | bad_message
        {"type":"send","room":"r","to":"b","text":"hi","cid":"c"}                    | bad_message
        {"type":"send","room":"r","cid":"c"}                                         | bad_message
        {"type":"send","room":"r","text":3,"cid":"c"}                                | bad_message
        {"type":"send","room":"r","text":"hi"}                                       | bad_message
        {"type":"send","room":"r","text":"hi","cid":""}                              | bad_message
        {"type":"send","room":"","text":"hi","cid":"c"}                              | bad_room
        {"type":"send","to":"","text":"hi","cid":"c"}                                | bad_message
        {"type":"history","room":"r","before":0}                                     | bad_message
        {"type":"history","room":"r","before":-3}                                    | bad_message
        {"type":"history","room":"r","before":2.5}                                   | bad_message
        {"type":"history","room":"r","limit":0}                                      | bad_message
        {"type":"history","room":"r","limit":101}                                    | bad_message
        {"type":"history","room":"r","limit":"5"}                                    | bad_message
        {"type":"history","room":"\\n"}                                              | bad_room
        {"type":"members","room":"r","limit":0}                                      | bad_message
        {"type":"members","room":"r","limit":1001}                                   | bad_message
        {"type":"members","room":"r","after":""}                                     | bad_message
        {"type":"members","room":"r","after":1}                                      | bad_message
        {"type":"leave","room":"r","ref":""}                                         | bad_message
        {"type":"leave","room":"r","ref":42}                                         | bad_message
        """)
    void refusesWithTheRightCode(String input, String code) {
        ProtocolException refused = assertThrows(ProtocolException.class, () -> V2Json.readRequest(input));
        assertEquals(code, refused.error().code().wireName());
        assertFalse(refused.error().reason().isBlank());
    }

    @Test
    void refusesNamesOverSixtyFourCodePoints() {
        String long65 = "x".repeat(65);
        assertRefused(ErrorCode.BAD_MESSAGE, "{\"type\":\"hello\",\"user\":\"" + long65 + "\"}");
        assertRefused(ErrorCode.BAD_ROOM, "{\"type\":\"join\",\"room\":\"" + long65 + "\"}");
        assertRefused(ErrorCode.BAD_MESSAGE, "{\"type\":\"leave\",\"room\":\"r\",\"ref\":\"" + long65 + "\"}");
        assertRefused(ErrorCode.BAD_MESSAGE,
                "{\"type\":\"send\",\"to\":\"b\",\"text\":\"\",\"cid\":\"" + long65 + "\"}");
        assertRefused(ErrorCode.BAD_MESSAGE,
                "{\"type\":\"join\",\"room\":\"r\",\"since\":{\"epoch\":\"" + long65 + "\",\"seq\":1}}");
    }

    @Test
    void aRefusalEchoesTheRequestsValidRefAndCid() {
        ProtocolException badRoom = assertRefused(ErrorCode.BAD_ROOM,
                "{'type':'send','room':'','text':'hi','cid':'c1','ref':'r1'}");
        assertEquals(Optional.of("r1"), badRoom.ref());
        assertEquals(Optional.of("c1"), badRoom.cid());

        ProtocolException noText = assertRefused(ErrorCode.BAD_MESSAGE, "{'type':'send','to':'bob','cid':'c2'}");
        assertEquals(NONE, noText.ref());
        assertEquals(Optional.of("c2"), noText.cid());

        ProtocolException badCid = assertRefused(ErrorCode.BAD_MESSAGE,
                "{'type':'send','room':'r','text':'hi','cid':'','ref':'r3'}");
        assertEquals(Optional.of("r3"), badCid.ref());
        assertEquals(NONE, badCid.cid());

        ProtocolException badRef = assertRefused(ErrorCode.BAD_MESSAGE,
                "{'type':'send','room':'r','text':'hi','cid':'c4','ref':4}");
        assertEquals(NONE, badRef.ref());
        assertEquals(Optional.of("c4"), badRef.cid());

        ProtocolException unknown = assertRefused(ErrorCode.UNKNOWN_TYPE, "{'type':'dance','ref':'r5'}");
        assertEquals(Optional.of("r5"), unknown.ref());

        ProtocolException nested = assertRefused(ErrorCode.BAD_MESSAGE,
                "{'type':'join','room':'r','since':{'epoch':'e','seq':-1},'ref':'r6'}");
        assertEquals(Optional.of("r6"), nested.ref());

        ProtocolException notAnObject = assertRefused(ErrorCode.BAD_MESSAGE, "[{\"ref\":\"r7\"}]");
        assertEquals(NONE, notAnObject.ref());
        assertEquals(NONE, notAnObject.cid());
    }

    @Test
    void aV1RefusalCarriesNoRefOrCid() {
        ProtocolException refused = new ProtocolException("x", ErrorCode.BAD_JSON, "not valid JSON");
        assertEquals(NONE, refused.ref());
        assertEquals(NONE, refused.cid());
        ProtocolException echoing = refused.with(Optional.of("r"), Optional.of("c"));
        assertEquals(refused.error(), echoing.error());
        assertEquals("x", echoing.getText());
        assertEquals(Optional.of("r"), echoing.ref());
        assertEquals(Optional.of("c"), echoing.cid());
    }

    // ---- writing events

    @Test
    void writesEachEventsExactFields() {
        assertWire("{'type':'welcome','user':'alice','inbox':{'epoch':'e1','seq':4,'recovered':true,'missed':2}}",
                new Welcome("alice", new Resume("e1", 4, true, 2), NONE));
        assertWire("{'type':'joined','room':'lobby','epoch':'e2','seq':9,'recovered':false,'missed':0,"
                + "'members':['alice','bob'],'count':2,'ref':'r1'}",
                new Joined("lobby", new Resume("e2", 9, false, 0), Optional.of(List.of("alice", "bob")), 2,
                        Optional.of("r1")));
        assertWire("{'type':'joined','room':'big','epoch':'e2','seq':0,'recovered':true,'missed':0,'count':5000}",
                new Joined("big", new Resume("e2", 0, true, 0), Optional.empty(), 5000, NONE));
        assertWire("{'type':'left','room':'lobby'}", new Left("lobby", NONE));
        assertWire("{'type':'message','room':'lobby','seq':10,'epoch':'e2','from':'alice','text':'hi',"
                + "'time':'2026-11-25T17:03:12.345+00:00','cid':'c1'}",
                new Message(Optional.of("lobby"), NONE, "alice", 10, "e2", "hi", TIME, Optional.of("c1")));
        assertWire("{'type':'message','to':'bob','from':'alice','seq':3,'epoch':'e3','text':'psst',"
                + "'time':'2026-11-25T17:03:12.345+00:00'}",
                new Message(NONE, Optional.of("bob"), "alice", 3, "e3", "psst", TIME, NONE));
        assertWire("{'type':'ack','cid':'c1','seq':10,'dup':false,'room':'lobby','ref':'r2'}",
                new Ack("c1", 10, false, Optional.of("lobby"), NONE, Optional.of("r2")));
        assertWire("{'type':'ack','cid':'c2','seq':3,'dup':true,'to':'bob'}",
                new Ack("c2", 3, true, NONE, Optional.of("bob"), NONE));
        assertWire("{'type':'presence','room':'lobby','joined':['carol'],'left':[]}",
                new Presence("lobby", List.of("carol"), List.of()));
        assertWire("{'type':'presence','room':'big','count':5001}", new PresenceCount("big", 5001));
        assertWire("{'type':'history','room':'lobby','messages':[{'type':'message','room':'lobby','seq':1,"
                + "'epoch':'e2','from':'bob','text':'first','time':'2026-11-25T17:03:12.345+00:00'}],'more':true}",
                new Event.History("lobby",
                        List.of(new Message(Optional.of("lobby"), NONE, "bob", 1, "e2", "first", TIME, NONE)),
                        true, NONE));
        assertWire("{'type':'members','room':'lobby','users':['alice','bob'],'next':'bob','ref':'r3'}",
                new Event.Members("lobby", List.of("alice", "bob"), Optional.of("bob"), Optional.of("r3")));
        assertWire("{'type':'members','room':'lobby','users':[]}",
                new Event.Members("lobby", List.of(), NONE, NONE));
        assertWire("{'type':'error','code':'not_joined','reason':'join first','ref':'r4','cid':'c5'}",
                new Event.Error(ErrorCode.NOT_JOINED, "join first", Optional.of("r4"), Optional.of("c5")));
        assertWire("{'type':'error','code':'bad_json','reason':'not valid JSON'}",
                new Event.Error(ErrorCode.BAD_JSON, "not valid JSON", NONE, NONE));
    }

    @Test
    void writesTheRefLastAndTheFieldsInTheDocumentedOrder() {
        assertEquals("{\"type\":\"message\",\"room\":\"r\",\"seq\":1,\"epoch\":\"e\",\"from\":\"a\",\"text\":\"t\","
                + "\"time\":\"2026-11-25T17:03:12.345+00:00\",\"cid\":\"c\"}",
                V2Json.write(new Message(Optional.of("r"), NONE, "a", 1, "e", "t", TIME, Optional.of("c"))));
        assertEquals("{\"type\":\"left\",\"room\":\"r\",\"ref\":\"x\"}", V2Json.write(new Left("r", Optional.of("x"))));
    }

    @Test
    void timeHasMillisecondsAndANumericUtcOffset() {
        Message onTheSecond = new Message(Optional.of("r"), NONE, "a", 1, "e", "t",
                Instant.parse("2026-01-02T03:04:05Z"), NONE);
        assertEquals("2026-01-02T03:04:05.000+00:00", parse(V2Json.write(onTheSecond)).getString("time"));
        Message sub = new Message(Optional.of("r"), NONE, "a", 1, "e", "t",
                Instant.parse("2026-01-02T03:04:05.678999Z"), NONE);
        assertEquals("2026-01-02T03:04:05.678+00:00", parse(V2Json.write(sub)).getString("time"),
                "truncated to milliseconds");
    }

    @Test
    void escapesTextRatherThanInjectingIt() throws Exception {
        String text = "\"},{\"type\":\"error\"} <script>\n\u0000";
        Message message = new Message(Optional.of("r"), NONE, "a", 1, "e", text, TIME, NONE);
        assertEquals(message, V2Json.readEvent(V2Json.write(message)));
    }

    @Test
    void refusesAMessageWithBothDestinationsOrNeither() {
        assertThrows(IllegalArgumentException.class, () -> V2Json.write(
                new Message(Optional.of("r"), Optional.of("b"), "a", 1, "e", "t", TIME, NONE)));
        assertThrows(IllegalArgumentException.class, () -> V2Json.write(new Ack("c", 1, false, NONE, NONE, NONE)));
    }

    // ---- round trips

    @Test
    void everyEventSurvivesARoundTrip() throws Exception {
        Message inRoom = new Message(Optional.of("lobby"), NONE, "alice", 10, "e2", "hi", TIME, Optional.of("c1"));
        Message privately = new Message(NONE, Optional.of("bob"), "alice", 3, "e3", "", TIME, NONE);
        List<Event> events = List.of(
                new Welcome("alice", new Resume("e1", 4, true, 2), NONE),
                new Welcome("alice", new Resume("e1", 0, false, 0), Optional.of("r")),
                new Joined("lobby", new Resume("e2", 9, false, 3), Optional.of(List.of("alice")), 1, NONE),
                new Joined("big", new Resume("e2", 9, true, 0), Optional.empty(), 5000, Optional.of("r")),
                new Left("lobby", NONE), new Left("lobby", Optional.of("r")),
                inRoom, privately,
                new Ack("c1", 10, false, Optional.of("lobby"), NONE, Optional.of("r")),
                new Ack("c2", 3, true, NONE, Optional.of("bob"), NONE),
                new Presence("lobby", List.of("carol", "dan"), List.of("erin")),
                new PresenceCount("big", 5001),
                new Event.History("lobby", List.of(inRoom, inRoom), false, Optional.of("r")),
                new Event.History("lobby", List.of(), true, NONE),
                new Event.Members("lobby", List.of("alice", "bob"), Optional.of("bob"), Optional.of("r")),
                new Event.Members("lobby", List.of(), NONE, NONE),
                new Event.Error(ErrorCode.TOO_MANY_ROOMS, "too many", Optional.of("r"), Optional.of("c")),
                new Event.Error(ErrorCode.HELLO_FIRST, "hello first", NONE, NONE));
        for (Event event : events) {
            assertEquals(event, V2Json.readEvent(V2Json.write(event)));
        }
    }

    @Test
    void everyRequestSurvivesARoundTrip() throws Exception {
        List<Request> requests = List.of(
                new Hello("alice", Optional.empty(), NONE),
                new Hello("alice", Optional.of(new Position("e1", Long.MAX_VALUE)), Optional.of("r")),
                new Join("lobby", Optional.empty(), NONE),
                new Join("lobby", Optional.of(new Position("e2", 0)), Optional.of("r")),
                new Leave("lobby", NONE), new Leave("lobby", Optional.of("r")),
                new SendToRoom("lobby", "hi \"there\"", "c1", NONE),
                new SendToUser("bob", "", "c2", Optional.of("r")),
                new Request.History("lobby", OptionalLong.empty(), 50, NONE),
                new Request.History("lobby", OptionalLong.of(7), 1, Optional.of("r")),
                new Request.Members("lobby", NONE, 1000, NONE),
                new Request.Members("lobby", Optional.of("carol"), 10, Optional.of("r")));
        for (Request request : requests) {
            assertEquals(request, V2Json.readRequest(V2Json.write(request)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "nope",
        "{\"type\":\"hello\"}",
        "{\"type\":\"left\"}",
        "{\"type\":\"message\",\"from\":\"a\",\"seq\":1,\"epoch\":\"e\",\"text\":\"t\",\"time\":\"x\",\"room\":\"r\"}",
        "{\"type\":\"message\",\"from\":\"a\",\"seq\":1,\"epoch\":\"e\",\"text\":\"t\","
                + "\"time\":\"2026-11-25T17:03:12.345+00:00\"}",
        "{\"type\":\"ack\",\"cid\":\"c\",\"seq\":1,\"dup\":\"no\",\"room\":\"r\"}",
        "{\"type\":\"error\",\"code\":\"no_such_code\",\"reason\":\"x\"}",
        "{\"type\":\"presence\",\"room\":\"r\",\"joined\":[1],\"left\":[]}",
    })
    void refusesMalformedEvents(String input) {
        assertThrows(ProtocolException.class, () -> V2Json.readEvent(input));
    }

    // ---- helpers

    /** Literal JSON with ' for " keeps the tests readable. */
    private static Request read(String json) throws ProtocolException {
        return V2Json.readRequest(json.replace('\'', '"'));
    }

    private static ProtocolException assertRefused(ErrorCode code, String json) {
        ProtocolException refused = assertThrows(ProtocolException.class,
                () -> V2Json.readRequest(json.replace('\'', '"')));
        assertEquals(code, refused.error().code());
        return refused;
    }

    /** Compared as parsed objects: the field sets and values must match exactly, whatever their order. */
    private static void assertWire(String expected, Event event) {
        assertEquals(parse(expected.replace('\'', '"')), parse(V2Json.write(event)));
    }

    private static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
