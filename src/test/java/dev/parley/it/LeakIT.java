package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.chat.protocol.ServerEvent;
import dev.parley.chat.protocol.ServerEvent.Login;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connections that come and go leave nothing behind: not in the registry, not on the heap. A soak test,
 * out of the default run for its length (one to three minutes per server). Run it with
 * {@code mvn verify -Dparley.excludedGroups= -Dit.test=LeakIT}.
 */
@Tag("soak")
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LeakIT {

    private static final int CYCLES = 10_000;
    /** Heap that may stay after the cycles: caches and warm-up, far below what 10,000 leaked sessions hold. */
    private static final long TOLERANCE_BYTES = 8L << 20;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    @Test
    void tenThousandConnectRegisterDisconnectCyclesLeaveTheRegistryEmptyAndTheHeapAsItWas() throws Exception {
        URI chat = Deployments.ws(base, "chat");
        ServerProcess server = ServerProcess.listeningOn(base.getPort());
        cycles(chat, 200); // warm up, so that the baseline includes what a first use loads
        long baseline = server.heapUsedAfterGc();

        cycles(chat, CYCLES);

        JsonObject empty = StatusPage.json("{\"connections\":{\"echo\":0,\"receipt\":0,\"greet\":0,\"chat\":0},\"users\":[]}");
        new StatusPage(base).await(empty::equals);
        // Payara's Grizzly keeps each closed connection's objects (about 1.3 KiB) until its expirer runs,
        // 30 to 40 s later: give the heap that long to come back
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long after = server.heapUsedAfterGc();
        while (after >= baseline + TOLERANCE_BYTES && System.nanoTime() < deadline) {
            Thread.sleep(5_000);
            after = server.heapUsedAfterGc();
        }
        System.out.printf("LeakIT: heap after GC %d KiB before, %d KiB after %d cycles%n", baseline >> 10, after >> 10,
                CYCLES);
        assertTrue(after < baseline + TOLERANCE_BYTES,
                "heap grew from " + (baseline >> 10) + " KiB to " + (after >> 10) + " KiB");
    }

    private static void cycles(URI chat, int count) {
        for (int i = 0; i < count; i++) {
            String name = "leak-" + i;
            try (ChatUser user = ChatUser.connect(chat)) {
                user.register(name, "");
                // the last cycle's user may still be listed: the server hears of its close a moment later
                ServerEvent event = user.next();
                assertTrue(event instanceof Login login && login.uuid().equals(name) && login.users().contains(name),
                        "a login of " + name + ": " + event);
            }
        }
    }
}
