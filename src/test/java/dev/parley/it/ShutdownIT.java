package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.websocket.CloseReason;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Undeploying Parley tells every open connection 1001 (going away). */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ShutdownIT {

    @Deployment(name = "parley", managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void undeployClosesEveryConnectionWith1001() {
        deployer.deploy("parley");
        URL base = Deployments.testServer();
        WsClient echo = WsClient.connect(Deployments.ws(base, "echo"));
        ChatUser chat = ChatUser.connect(Deployments.ws(base, "chat"));
        echo.exchange("still here", "Echo: still here");

        deployer.undeploy("parley");

        assertEquals(CloseReason.CloseCodes.GOING_AWAY, echo.awaitClose().getCloseCode());
        assertEquals(CloseReason.CloseCodes.GOING_AWAY, chat.raw().awaitClose().getCloseCode());
    }
}
