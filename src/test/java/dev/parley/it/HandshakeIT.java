package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.config.ParleyConfig;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Handshakes Parley refuses. Cross-site WebSocket hijacking: a page of another site cannot open a
 * connection. Connection limits: one address cannot hold more than its share.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HandshakeIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    @Test
    void aForeignOriginIsRefusedWith403OnEveryEndpoint() throws Exception {
        for (String path : new String[] {"echo", "receipt", "greet", "chat"}) {
            try (RawWebSocket raw = RawWebSocket.open(Deployments.ws(base, path), "http://evil.example", 0)) {
                assertEquals(403, raw.status(), path);
            }
        }
    }

    @Test
    void theSameOriginAndNoOriginAreAccepted() throws Exception {
        URI echo = Deployments.ws(base, "echo");
        String sameOrigin = "http://" + echo.getHost() + ":" + echo.getPort();
        for (String origin : new String[] {sameOrigin, null}) {
            try (RawWebSocket raw = RawWebSocket.open(echo, origin, 0)) {
                assertEquals(101, raw.status(), "origin " + origin);
                raw.sendText("hi");
                assertEquals("Echo: hi", raw.read().text());
            }
        }
    }

    @Test
    void anAddressAtItsConnectionLimitGets503UntilOneOfItsConnectionsCloses() throws Exception {
        int limit = Integer.parseInt(ParleyConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
        URI echo = Deployments.ws(base, "echo");
        StatusPage status = new StatusPage(base);
        int alreadyOpen = openConnections(status.read()); // every test client comes from this one address
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = alreadyOpen; i < limit; i++) {
                WsClient client = WsClient.connect(echo);
                client.exchange("hi", "Echo: hi"); // its server side is open and counted
                clients.add(client);
            }
            try (RawWebSocket refused = RawWebSocket.open(echo)) {
                assertEquals(503, refused.status());
            }
            clients.remove(0).close();
            status.await(s -> openConnections(s) < limit);
            try (RawWebSocket accepted = RawWebSocket.open(echo)) {
                assertEquals(101, accepted.status(), "one closed, so one more is let in");
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    private static int openConnections(JsonObject status) {
        JsonObject connections = status.getJsonObject("connections");
        return connections.keySet().stream().mapToInt(connections::getInt).sum();
    }
}
