package dev.parley.it;

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

    /** The WebSocket URI of {@code path} under the deployment's context root, e.g. {@code chat}. */
    public static URI ws(URL base, String path) {
        return URI.create(base.toString().replaceFirst("^http", "ws")).resolve(path);
    }

    public static URI http(URL base, String path) {
        return URI.create(base.toString()).resolve(path);
    }
}
