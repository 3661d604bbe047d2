package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.websocket.CloseReason;
import java.net.URL;
import java.nio.ByteBuffer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EchoIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    @Test
    void textComesBackPrefixed() {
        try (WsClient client = WsClient.connect(Deployments.ws(base, "echo"))) {
            client.exchange("Hello, server!", "Echo: Hello, server!");
            client.exchange("", "Echo: ");
            client.exchange("你好 \uD83D\uDE00", "Echo: 你好 \uD83D\uDE00");
        }
    }

    @Test
    void manyMessagesComeBackInOrder() {
        try (WsClient client = WsClient.connect(Deployments.ws(base, "echo"))) {
            for (int i = 0; i < 500; i++) {
                client.send("m" + i);
            }
            for (int i = 0; i < 500; i++) {
                assertEquals("Echo: m" + i, client.nextText());
            }
        }
    }

    @Test
    void aMessageOverTheSizeLimitClosesTheConnectionWith1009() {
        try (WsClient client = WsClient.connect(Deployments.ws(base, "echo"))) {
            String atTheLimit = "é".repeat(65_536 / 2); // two UTF-8 bytes each: exactly 64 KiB
            client.exchange(atTheLimit, "Echo: " + atTheLimit);
            client.send(atTheLimit + "x");
            assertEquals(CloseReason.CloseCodes.TOO_BIG, client.awaitClose().getCloseCode());
        }
        try (WsClient client = WsClient.connect(Deployments.ws(base, "echo"))) {
            client.send(ByteBuffer.allocate(65_537));
            assertEquals(CloseReason.CloseCodes.TOO_BIG, client.awaitClose().getCloseCode());
        }
    }

    @Test
    void binaryComesBackUnchanged() {
        byte[] bytes = new byte[1000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        try (WsClient client = WsClient.connect(Deployments.ws(base, "echo"))) {
            client.send(ByteBuffer.wrap(bytes));
            assertEquals(ByteBuffer.wrap(bytes), client.nextBinary());
        }
    }
}
