package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.chat.protocol.ServerEvent.Login;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
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

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    @Test
    void countsConnectionsPerEndpointAndListsUsers() throws Exception {
        JsonObject idle = status();
        assertEquals(json("{\"echo\":0,\"receipt\":0,\"greet\":0,\"chat\":0}"), idle.getJsonObject("connections"));
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

            JsonObject busy = status();
            assertEquals(json("{\"echo\":2,\"receipt\":0,\"greet\":1,\"chat\":2}"), busy.getJsonObject("connections"));
            assertEquals(Json.createArrayBuilder().add("ann").add("ben").build(), busy.getJsonArray("users"));
        }

        // closing is asynchronous on the server: wait for the registry to catch up
        JsonObject after = awaitStatus(s -> s.getJsonArray("users").isEmpty()
                && s.getJsonObject("connections").values().stream().allMatch(v -> v.toString().equals("0")));
        assertEquals(idle, after);
    }

    private JsonObject awaitStatus(Predicate<JsonObject> condition) throws Exception {
        long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
        JsonObject status = status();
        while (!condition.test(status) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = status();
        }
        return status;
    }

    private JsonObject status() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(Deployments.http(base, "api/status"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        return json(response.body());
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
