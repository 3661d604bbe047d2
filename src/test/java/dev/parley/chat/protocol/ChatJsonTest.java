package dev.parley.chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.protocol.ClientMessage.Register;
import dev.parley.chat.protocol.ClientMessage.Send;
import dev.parley.chat.protocol.ClientMessage.Unregister;
import dev.parley.chat.protocol.ServerEvent.Handshake;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.Logout;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChatJsonTest {

    private final ClientMessageDecoder decoder = new ClientMessageDecoder();
    private final ServerEventEncoder encoder = new ServerEventEncoder();

    @Test
    void decodesEachClientMessage() throws Exception {
        assertEquals(new Register("alice", "hello"),
                decoder.decode("{\"type\":\"register\",\"uuid\":\"alice\",\"content\":\"hello\"}"));
        assertEquals(new Send("hi", Optional.empty()), decoder.decode("{\"type\":\"send\",\"content\":\"hi\"}"));
        assertEquals(new Send("hi", Optional.of("bob")),
                decoder.decode("{\"type\":\"send\",\"content\":\"hi\",\"to\":\"bob\"}"));
        assertEquals(new Send("hi", Optional.empty()),
                decoder.decode("{\"type\":\"send\",\"content\":\"hi\",\"to\":null}"));
        assertEquals(new Unregister("alice", "bye"),
                decoder.decode("{\"type\":\"unregister\",\"uuid\":\"alice\",\"content\":\"bye\"}"));
    }

    @Test
    void ignoresFieldsTheServerOwns() throws Exception {
        assertEquals(new Send("hi", Optional.empty()),
                decoder.decode("{\"type\":\"send\",\"content\":\"hi\",\"from\":\"mallory\",\"uuid\":\"mallory\"}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json                                                 | bad_json",
        "{\"type\":\"send\"                                        | bad_json",
        "''                                                       | bad_json",
        "[]                                                       | bad_message",
        "\"text\"                                                 | bad_message",
        "{}                                                       | bad_message",
        "{\"type\":3}                                             | bad_message",
        "{\"type\":\"send\"}                                      | bad_message",
        "{\"type\":\"send\",\"content\":{}}                       | bad_message",
        "{\"type\":\"send\",\"content\":\"x\",\"to\":1}           | bad_message",
        "{\"type\":\"register\",\"content\":\"x\"}                | bad_message",
        "{\"type\":\"register\",\"uuid\":\"a\"}                   | bad_message",
        "{\"type\":\"register\",\"uuid\":\"\",\"content\":\"x\"}  | bad_message",
        "{\"type\":\"register\",\"uuid\":\"a\\u0000\",\"content\":\"x\"} | bad_message",
        "{\"type\":\"unregister\",\"uuid\":[],\"content\":\"x\"}  | bad_message",
        "{\"type\":\"login\"}                                     | unknown_type",
        "{\"type\":\"\"}                                          | unknown_type",
    })
    void refusesWithTheRightCode(String input, String code) {
        ProtocolException refused = assertThrows(ProtocolException.class, () -> decoder.decode(input));
        assertEquals(code, refused.error().code().wireName());
        assertFalse(refused.error().reason().isBlank());
    }

    @Test
    void uuidIsOneToSixtyFourCharactersWithoutControls() {
        assertTrue(ChatJson.isValidUuid("a"));
        assertTrue(ChatJson.isValidUuid("x".repeat(64)));
        assertTrue(ChatJson.isValidUuid("\uD83D\uDE00".repeat(64)), "64 emoji are 64 characters");
        assertTrue(ChatJson.isValidUuid("名前 with spaces"));
        assertFalse(ChatJson.isValidUuid(""));
        assertFalse(ChatJson.isValidUuid("x".repeat(65)));
        assertFalse(ChatJson.isValidUuid("tab\there"));
        assertFalse(ChatJson.isValidUuid("del\u007f"));
        assertFalse(ChatJson.isValidUuid("c1\u0085"));
    }

    @Test
    void encodesEachEventWithTheContractsFieldsInOrder() {
        assertEquals("{\"type\":\"handshake\"}", encoder.encode(new Handshake()));
        assertEquals("{\"type\":\"login\",\"uuid\":\"a\",\"content\":\"hi\",\"user_list\":[\"a\",\"b\"]}",
                encoder.encode(new Login("a", "hi", List.of("a", "b"))));
        assertEquals("{\"type\":\"user\",\"content\":\"hi\",\"from\":\"a\"}",
                encoder.encode(new UserMessage("hi", "a", Optional.empty())));
        assertEquals("{\"type\":\"user\",\"content\":\"hi\",\"from\":\"a\",\"to\":\"b\"}",
                encoder.encode(new UserMessage("hi", "a", Optional.of("b"))));
        assertEquals("{\"type\":\"logout\",\"uuid\":\"a\",\"content\":\"\",\"user_list\":[]}",
                encoder.encode(new Logout("a", "", List.of())));
        assertEquals("{\"type\":\"error\",\"code\":\"not_yours\",\"reason\":\"no\"}",
                encoder.encode(new ServerEvent.Error(ErrorCode.NOT_YOURS, "no")));
    }

    @Test
    void escapesContentRatherThanInjectingIt() {
        String content = "\"},{\"type\":\"login\"} <script>\n";
        String json = encoder.encode(new UserMessage(content, "a", Optional.empty()));
        assertEquals(new UserMessage(content, "a", Optional.empty()), roundTrip(json));
    }

    @Test
    void everyEventAndMessageSurvivesARoundTrip() throws Exception {
        List<ServerEvent> events = List.of(new Handshake(), new Login("a", "c", List.of("a")),
                new UserMessage("c", "a", Optional.of("b")), new Logout("a", "c", List.of()),
                new ServerEvent.Error(ErrorCode.UUID_TAKEN, "taken"));
        for (ServerEvent event : events) {
            assertEquals(event, roundTrip(encoder.encode(event)));
        }
        List<ClientMessage> messages = List.of(new Register("a", "c"), new Send("c", Optional.of("b")),
                new Send("c", Optional.empty()), new Unregister("a", "c"));
        for (ClientMessage message : messages) {
            assertEquals(message, decoder.decode(ChatJson.write(message)));
        }
    }

    private static ServerEvent roundTrip(String json) {
        try {
            return ChatJson.readServerEvent(json);
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
    }
}
