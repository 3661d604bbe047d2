package dev.parley.it;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bot scenario where Arquillian deploys both WARs into one server (WildFly). */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BotIT extends BotScenario {

    @Deployment(name = "parley", order = 1, testable = false)
    static WebArchive parley() {
        return Deployments.parley();
    }

    @Deployment(name = "bot", order = 2, testable = false)
    static WebArchive bot() {
        return Deployments.bot();
    }

    @ArquillianResource
    @OperateOnDeployment("parley")
    URL base;

    @Override
    URL server() {
        return base;
    }
}
