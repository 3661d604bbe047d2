package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Parley behind the shipped nginx configuration. arquillian.xml trusts {@link #PROXY} as a proxy on both
 * servers, and nginx connects upstream from it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ProxyIT {

    static final String PROXY = "127.0.0.2";
    /** parley.max-connections-per-address's default, which the tests run with. */
    private static final int PER_ADDRESS = 200;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    private Nginx nginx;

    @BeforeEach
    void startNginx() throws Exception {
        nginx = Nginx.start(base.getPort(), PROXY);
    }

    @AfterEach
    void stopNginx() throws Exception {
        nginx.close();
    }

    private URI throughNginx(String path) {
        return URI.create("ws://127.0.0.1:" + nginx.port + Deployments.CONTEXT_ROOT + path);
    }

    @Test
    void webSocketsAndTheirSubprotocolGoThrough() {
        try (WsClient echo = WsClient.connect(throughNginx("echo"))) {
            echo.exchange("through nginx", "Echo: through nginx");
        }
        try (V2User chat = V2User.hello(throughNginx("chat"), "proxied")) { // negotiates parley.v2, and is welcomed
            chat.join("lobby");
        }
    }

    /** Without parley.trusted-proxies, every client behind nginx would share nginx's 200 connections. */
    @Test
    void thePerAddressLimitCountsEachClientBehindTheProxyNotTheProxy() throws Exception {
        InetAddress alice = InetAddress.getByName("127.0.0.3");
        InetAddress bob = InetAddress.getByName("127.0.0.4");
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                RawWebSocket socket = RawWebSocket.open(throughNginx("echo"), null, 0, alice);
                open.add(socket);
                assertEquals(101, socket.status(), "connection " + (i + 1) + " of 127.0.0.3");
                socket.sendText("hi");
                assertEquals("Echo: hi", socket.read().text()); // its server side is open and counted
            }
            RawWebSocket oneTooMany = RawWebSocket.open(throughNginx("echo"), null, 0, alice);
            open.add(oneTooMany);
            assertEquals(503, oneTooMany.status(), "127.0.0.3 is at its own limit");
            RawWebSocket other = RawWebSocket.open(throughNginx("echo"), null, 0, bob);
            open.add(other);
            assertEquals(101, other.status(), "127.0.0.4, behind the same nginx, is not");
        } finally {
            for (RawWebSocket socket : open) {
                socket.close();
            }
        }
    }
}
