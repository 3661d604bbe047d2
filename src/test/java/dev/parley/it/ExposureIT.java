package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URL;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server opens no port beyond what it needs: its HTTP listener, plus WildFly's management port,
 * which deploying needs and which is bound to loopback. Read from Linux's /proc, for the server's process.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExposureIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    @Test
    void theServerListensOnItsHttpPortOnly() throws IOException {
        Set<Integer> expected = Deployments.onPayara() ? Set.of(base.getPort()) : Set.of(base.getPort(), 18289);
        assertEquals(new TreeSet<>(expected), ServerProcess.listeningOn(base.getPort()).listeningPorts(),
                "ports the server listens on");
    }
}
