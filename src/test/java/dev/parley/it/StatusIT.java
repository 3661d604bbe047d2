package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.protocol.ServerEvent.Login;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The status resource reads the registry that every endpoint, echo and chat alike, writes. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class StatusIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    @Test
    void countsConnectionsPerEndpointAndListsUsers() throws Exception {
        StatusPage statusPage = new StatusPage(base);
        JsonObject idle = statusPage.read();
        assertEquals(StatusPage.json("{\"echo\":0,\"receipt\":0,\"greet\":0,\"chat\":0}"), idle.getJsonObject("connections"));
        assertEquals(Json.createArrayBuilder().build(), idle.getJsonArray("users"));

        try (WsClient echo1 = WsClient.connect(Deployments.ws(base, "echo"));
                WsClient echo2 = WsClient.connect(Deployments.ws(base, "echo"));
                WsClient greet = WsClient.connect(Deployments.ws(base, "greet"));
                ChatUser ann = ChatUser.connect(Deployments.ws(base, "chat"));
                ChatUser ben = ChatUser.connect(Deployments.ws(base, "chat"))) {
            // a reply proves each connection is open on the server
            echo1.exchange("x", "Echo: x");
            echo2.exchange("x", "Echo: x");
            greet.exchange("Hi", "success");
            ann.register("ann", "");
            ann.expect(new Login("ann", "", List.of("ann")));
            ben.register("ben", "");
            ben.expect(new Login("ben", "", List.of("ann", "ben")));

            JsonObject busy = statusPage.read();
            assertEquals(StatusPage.json("{\"echo\":2,\"receipt\":0,\"greet\":1,\"chat\":2}"), busy.getJsonObject("connections"));
            assertEquals(Json.createArrayBuilder().add("ann").add("ben").build(), busy.getJsonArray("users"));
        }

        JsonObject after = statusPage.await(s -> s.getJsonArray("users").isEmpty()
                && s.getJsonObject("connections").values().stream().allMatch(v -> v.toString().equals("0")));
        assertEquals(idle, after);
    }
}
