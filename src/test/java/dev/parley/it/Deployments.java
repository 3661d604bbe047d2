package dev.parley.it;

import dev.parley.it.bot.ChatBot;
import java.io.File;
import java.net.URI;
import java.net.URL;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR under test is the one the build packaged, so that the tests cover what users deploy. */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive parley() {
        File war = new File(System.getProperty("parley.war", "target/parley.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    /**
     * A second application that uses Parley's client library the way other applications would: as the
     * {@code client} jar the build attaches, in its {@code WEB-INF/lib}.
     */
    public static WebArchive bot() {
        File clientJar = new File(System.getProperty("parley.client.jar", "target/parley-client.jar"));
        return ShrinkWrap.create(WebArchive.class, "bot.war")
                .addPackage(ChatBot.class.getPackage())
                .addAsLibrary(clientJar);
    }

    /** Whether this run's server is Payara Micro (Tyrus) rather than WildFly (Undertow). */
    public static boolean onPayara() {
        return "payara-micro".equals(System.getProperty("arquillian.launch"));
    }

    /**
     * The test server's address, for a test that needs it before Arquillian can inject it: the ports
     * arquillian.xml gives each server.
     */
    public static URL testServer() {
        try {
            return new URL("http://127.0.0.1:" + (onPayara() ? 18210 : 18280) + "/");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The context root users' clients depend on. */
    public static final String CONTEXT_ROOT = "/parley/";

    /** The WebSocket URI of {@code path} under the context root, e.g. {@code chat}. */
    public static URI ws(URL base, String path) {
        return URI.create(http(base, path).toString().replaceFirst("^http", "ws"));
    }

    /**
     * The HTTP URI of {@code path} under the context root. Only the server's address is taken from
     * Arquillian: the Payara adapter sometimes misses the deployment in the server's output and then
     * hands out the bare server URL.
     */
    public static URI http(URL base, String path) {
        return URI.create(base.getProtocol() + "://" + base.getHost() + ":" + base.getPort() + CONTEXT_ROOT + path);
    }
}
