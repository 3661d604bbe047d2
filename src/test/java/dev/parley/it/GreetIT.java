package dev.parley.it;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ArquillianExtension.class)
@RunAsClient
class GreetIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL base;

    @Test
    void theTutorialClientsSession() {
        try (WsClient client = WsClient.connect(Deployments.ws(base, "greet"))) {
            client.exchange("Hi", "success");
            client.exchange("hello there", "success,get mess: hello there");
            client.exchange("Hi", "success,get mess: Hi");
        }
    }

    @Test
    void anythingButHiFailsUntilHi() {
        try (WsClient client = WsClient.connect(Deployments.ws(base, "greet"))) {
            client.exchange("hello", "connected fail");
            client.exchange("hi", "connected fail");
            client.exchange("Hi ", "connected fail");
            client.exchange("", "connected fail");
            client.exchange("Hi", "success");
            client.exchange("", "success,get mess: ");
        }
    }

    @Test
    void eachConnectionHasItsOwnHandshake() {
        try (WsClient first = WsClient.connect(Deployments.ws(base, "greet"));
                WsClient second = WsClient.connect(Deployments.ws(base, "greet"))) {
            first.exchange("Hi", "success");
            second.exchange("text", "connected fail");
            first.exchange("text", "success,get mess: text");
        }
    }
}
