package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.protocol.ServerEvent.Login;
import dev.parley.chat.protocol.ServerEvent.UserMessage;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The client library inside another Jakarta EE application, deployed beside Parley on the same server:
 * a bot joins the chat on {@code parley.v2} and answers private messages, here a tutorial (v1) user's. How the two WARs get onto the server differs per
 * Arquillian adapter, see the subclasses.
 */
abstract class BotScenario {

    /** Any URL of the server; Parley is at its {@value Deployments#CONTEXT_ROOT}. */
    abstract URL server();

    @Test
    void theBotJoinsAndAnswersPrivateMessages() throws Exception {
        URL base = server();
        URI chat = Deployments.ws(base, "chat");
        try (ChatUser carol = ChatUser.connect(chat)) {
            carol.register("carol", "hi");
            carol.expect(new Login("carol", "hi", List.of("carol")));

            // the bot connects from inside the server through the server's own WebSocket container
            URI join = URI.create(base.getProtocol() + "://" + base.getHost() + ":" + base.getPort() + "/bot/api/join");
            HttpResponse<String> joined = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(join).POST(HttpRequest.BodyPublishers.ofString(chat.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, joined.statusCode(), joined.body());
            carol.expect(new Login("bot", "", List.of("carol", "bot"))); // a v2 user joining the lobby

            carol.sayTo("bot", "are you there?");
            carol.expect(new UserMessage("are you there?", "carol", Optional.of("bot")));
            carol.expect(new UserMessage("bot heard 'are you there?' from carol", "bot", Optional.of("carol")));

            // a broadcast is not for the bot to answer: the next thing carol sees is her own next message
            carol.say("hello room");
            carol.expect(new UserMessage("hello room", "carol", Optional.empty()));
            carol.say("marker");
            carol.expect(new UserMessage("marker", "carol", Optional.empty()));
        }
    }
}
