package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cross-site WebSocket hijacking: a page of another site cannot open a connection. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OriginIT {

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
}
