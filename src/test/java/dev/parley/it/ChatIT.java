package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.protocol.ErrorCode;
import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The chat's flows with three users, and every refusal. Each test uses its own user names. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChatIT {

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
    void joinBroadcastPrivateLeaveAndDisconnect() {
        ChatFlows.joinBroadcastPrivateLeaveAndDisconnect(chat(), chat(), chat());
    }

    @Test
    void eventsOnTheWireHaveTheContractsFields() {
        try (ChatUser dave = ChatUser.connect(chat()); ChatUser erin = ChatUser.connect(chat())) {
            dave.raw().send("{\"type\":\"register\",\"uuid\":\"dave\",\"content\":\"c1\"}");
            assertEquals(json("{\"type\":\"login\",\"uuid\":\"dave\",\"content\":\"c1\",\"user_list\":[\"dave\"]}"),
                    json(dave.raw().nextText()));
            erin.raw().send("{\"type\":\"register\",\"uuid\":\"erin\",\"content\":\"c2\"}");
            dave.raw().nextText();
            erin.raw().nextText();

            // a forged from and uuid change nothing
            erin.raw().send("{\"type\":\"send\",\"content\":\"hi\",\"from\":\"dave\",\"uuid\":\"dave\",\"to\":\"dave\"}");
            JsonObject whisper = json("{\"type\":\"user\",\"content\":\"hi\",\"from\":\"erin\",\"to\":\"dave\"}");
            assertEquals(whisper, json(dave.raw().nextText()));
            assertEquals(whisper, json(erin.raw().nextText()));

            erin.raw().send("{\"type\":\"send\",\"content\":\"all\"}");
            JsonObject broadcast = json("{\"type\":\"user\",\"content\":\"all\",\"from\":\"erin\"}");
            assertEquals(broadcast, json(dave.raw().nextText()));
            assertEquals(broadcast, json(erin.raw().nextText()));

            dave.raw().send("{\"type\":\"unregister\",\"uuid\":\"dave\",\"content\":\"bye\"}");
            assertEquals(json("{\"type\":\"logout\",\"uuid\":\"dave\",\"content\":\"bye\",\"user_list\":[\"erin\"]}"),
                    json(erin.raw().nextText()));

            dave.raw().send("{]");
            JsonObject error = json(dave.raw().nextText());
            assertEquals("error", error.getString("type"));
            assertEquals("bad_json", error.getString("code"));
            assertEquals(3, error.size(), "error events carry type, code and reason: " + error);
        }
    }

    @Test
    void everyRefusalHasItsCodeAndKeepsTheConnectionOpen() {
        try (ChatUser frank = ChatUser.connect(chat()); ChatUser grace = ChatUser.connect(chat())) {
            frank.raw().send("not json");
            frank.expectError(ErrorCode.BAD_JSON);
            frank.raw().send("[1,2]");
            frank.expectError(ErrorCode.BAD_MESSAGE);
            frank.raw().send("{\"content\":\"no type\"}");
            frank.expectError(ErrorCode.BAD_MESSAGE);
            frank.raw().send("{\"type\":\"register\",\"uuid\":7,\"content\":\"x\"}");
            frank.expectError(ErrorCode.BAD_MESSAGE);
            frank.raw().send("{\"type\":\"register\",\"uuid\":\"\",\"content\":\"x\"}");
            frank.expectError(ErrorCode.BAD_MESSAGE);
            frank.raw().send("{\"type\":\"register\",\"uuid\":\"" + "u".repeat(65) + "\",\"content\":\"x\"}");
            frank.expectError(ErrorCode.BAD_MESSAGE);
            frank.raw().send("{\"type\":\"register\",\"uuid\":\"a\\nb\",\"content\":\"x\"}");
            frank.expectError(ErrorCode.BAD_MESSAGE);
            frank.raw().send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            frank.expectError(ErrorCode.BAD_MESSAGE);
            frank.raw().send("{\"type\":\"dance\"}");
            frank.expectError(ErrorCode.UNKNOWN_TYPE);

            frank.say("too early");
            frank.expectError(ErrorCode.NOT_REGISTERED);
            frank.unregister("frank", "too early");
            frank.expectError(ErrorCode.NOT_REGISTERED);

            frank.register("frank", "hi");
            frank.expect(new Login("frank", "hi", List.of("frank")));
            frank.register("frank2", "again");
            frank.expectError(ErrorCode.ALREADY_REGISTERED);

            grace.register("frank", "me too");
            grace.expectError(ErrorCode.UUID_TAKEN);
            grace.register("grace", "hi");
            Login graceJoined = new Login("grace", "hi", List.of("frank", "grace"));
            frank.expect(graceJoined);
            grace.expect(graceJoined);

            grace.unregister("frank", "bye frank");
            grace.expectError(ErrorCode.NOT_YOURS);
            grace.sayTo("nobody", "hello?");
            grace.expectError(ErrorCode.NO_SUCH_USER);

            // after all that, both are still connected and registered
            frank.say("still here");
            UserMessage stillHere = new UserMessage("still here", "frank", Optional.empty());
            frank.expect(stillHere);
            grace.expect(stillHere);
        }
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
