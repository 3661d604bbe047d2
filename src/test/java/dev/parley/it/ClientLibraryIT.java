package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.client.ChatOptions;
import dev.parley.client.EchoClient;
import dev.parley.client.GreetClient;
import dev.parley.client.ParleyChat;
import dev.parley.client.ParleyClientException;
import dev.parley.client.ReceiptClient;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client library on Tyrus standalone, outside any server. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClientLibraryIT {

    /** Past the server's 64 KiB limit on incoming messages: the server closes the connection for it. */
    private static final String TOO_BIG = "x".repeat(70_000);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    private URI chat() {
        return Deployments.ws(base, "chat");
    }

    private static ChatOptions fastRetries() {
        return ChatOptions.defaults().withBackoff(Duration.ofMillis(50), Duration.ofMillis(400));
    }

    @Test
    void textServiceClients() {
        try (EchoClient echo = new EchoClient(Deployments.ws(base, "echo"))) {
            assertEquals("Echo: hi", echo.echo("hi"));
        }
        try (ReceiptClient receipt = new ReceiptClient(Deployments.ws(base, "receipt"))) {
            assertTrue(receipt.receipt("data").startsWith("Data received as \"data\". time: "));
        }
        try (GreetClient greet = new GreetClient(Deployments.ws(base, "greet"))) {
            assertTrue(greet.handshake());
            assertEquals("success,get mess: how are you", greet.say("how are you"));
        }
    }

    @Test
    void chatSendsPrivatelyAndPubliclyAndLeaves() {
        RecordingListener aliceHears = new RecordingListener();
        RecordingListener bobHears = new RecordingListener();
        try (ParleyChat alice = ParleyChat.connect(chat(), "lib-alice", aliceHears, fastRetries());
                ParleyChat bob = ParleyChat.connect(chat(), "lib-bob", bobHears, fastRetries())) {
            aliceHears.expect("join lib-alice [lib-alice]");
            aliceHears.expect("join lib-bob [lib-alice, lib-bob]");
            bobHears.expect("join lib-bob [lib-alice, lib-bob]");
            assertEquals(List.of("lib-alice", "lib-bob"), bob.users());

            alice.send("hello");
            aliceHears.expect("message lib-alice: hello");
            bobHears.expect("message lib-alice: hello");

            bob.sendTo("lib-alice", "psst");
            aliceHears.expect("message lib-bob->lib-alice: psst");
            bobHears.expect("message lib-bob->lib-alice: psst");

            bob.sendTo("nobody", "hello?");
            bobHears.expect("error no_such_user");

            alice.leave("bye");
            aliceHears.expect("disconnect 1000");
            bobHears.expect("leave lib-alice 'bye' [lib-bob]");
            assertFalse(alice.isConnected());
            assertEquals(List.of("lib-bob"), bob.users());
        }
    }

    @Test
    void aTakenNameIsRefusedAtConnect() {
        try (ParleyChat first = ParleyChat.connect(chat(), "lib-taken", new RecordingListener(), fastRetries())) {
            ParleyClientException refused = assertThrows(ParleyClientException.class,
                    () -> ParleyChat.connect(chat(), "lib-taken", new RecordingListener(), fastRetries()));
            assertTrue(refused.getMessage().contains("uuid_taken"), refused.getMessage());
            assertTrue(first.isConnected());
        }
    }

    @Test
    void reconnectsAndRegistersAgainAfterTheServerDropsIt() {
        RecordingListener daveHears = new RecordingListener();
        RecordingListener erinHears = new RecordingListener();
        try (ParleyChat dave = ParleyChat.connect(chat(), "lib-dave", daveHears, fastRetries());
                ParleyChat erin = ParleyChat.connect(chat(), "lib-erin", erinHears, fastRetries())) {
            daveHears.expect("join lib-dave [lib-dave]");
            daveHears.expect("join lib-erin [lib-dave, lib-erin]");
            erinHears.expect("join lib-erin [lib-dave, lib-erin]");

            dave.send(TOO_BIG); // the server closes dave's connection with 1009
            daveHears.expect("disconnect 1009 reconnecting");
            erinHears.expect("leave lib-dave '' [lib-erin]");
            daveHears.expect("join lib-dave [lib-erin, lib-dave]");
            daveHears.expect("reconnect");
            erinHears.expect("join lib-dave [lib-erin, lib-dave]");

            dave.send("back again");
            erinHears.expect("message lib-dave: back again");
            assertTrue(dave.isConnected());
        }
    }

    @Test
    void reconnectingCanBeTurnedOff() {
        RecordingListener hears = new RecordingListener();
        try (ParleyChat frank = ParleyChat.connect(chat(), "lib-frank", hears, fastRetries().withReconnect(false))) {
            hears.expect("join lib-frank [lib-frank]");
            frank.send(TOO_BIG);
            hears.expect("disconnect 1009");
            assertFalse(frank.isConnected());
            assertThrows(ParleyClientException.class, () -> frank.send("anyone?"));
        }
    }
}
