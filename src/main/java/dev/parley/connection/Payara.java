package dev.parley.connection;

import jakarta.websocket.Session;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What Parley changes of Payara beyond the WebSocket API. Reached by reflection, through the class loader
 * of Tyrus's session, which sees Payara's web container; WildFly has none of it.
 */
final class Payara {

    private static final Logger LOG = Logger.getLogger(Payara.class.getName());
    private static final String[] RECYCLED = {"org.apache.catalina.connector.Request", "org.apache.catalina.connector.Response"};
    private static final AtomicBoolean SCOPED = new AtomicBoolean();

    private Payara() {
    }

    /**
     * Makes a finished request's streams unusable instead of handing them on to the next request.
     * Payara recycles a request's response, output stream object and all, for a later request, possibly
     * another client's; Tyrus keeps writing a WebSocket's frames to the stream it took at the upgrade, and
     * when the upgraded connection went away without Tyrus hearing of it, they went to whichever client
     * that stream served next (seen in CI: a v1 newcomer got a v2 room message meant for a member that had
     * just dropped its TCP connection). With the scope enforced, such a write fails (the stream is
     * cleared), the outbox closes the session, and nothing reaches another client. Once per JVM.
     */
    static void enforceRequestScope(Session session) {
        if (!Tyrus.owns(session) || !SCOPED.compareAndSet(false, true)) {
            return;
        }
        try {
            for (String name : RECYCLED) {
                Class.forName(name, true, session.getClass().getClassLoader())
                        .getMethod("setEnforceScope", boolean.class).invoke(null, true);
            }
            LOG.info("Payara: a finished request's streams are cleared when it is recycled");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Payara's request scope could not be enforced: a frame written after its"
                    + " connection went away may reach another client", e);
        }
    }
}
