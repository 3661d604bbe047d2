package dev.parley.it;

import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bot scenario on Payara Micro. Its Arquillian adapter starts a new Payara Micro for each deployment,
 * so it cannot put two WARs in one server: the build boots this test's Payara Micro with
 * {@code --deploy target/parley.war}, and Arquillian deploys the bot beside it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BotBesideParleyIT extends BotScenario {

    @Deployment(testable = false)
    static WebArchive bot() {
        return Deployments.bot();
    }

    @ArquillianResource
    URL base;

    @Override
    URL server() {
        return base;
    }
}
