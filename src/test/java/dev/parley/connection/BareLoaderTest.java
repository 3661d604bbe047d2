package dev.parley.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class BareLoaderTest {

    /** A loader standing for a web application's: it sees this project's classes. */
    private final ClassLoader application = new URLClassLoader(new URL[0], getClass().getClassLoader());

    @Test
    void codeRunsUnderALoaderThatFindsNothingAndTheThreadGetsItsOwnBack() throws Exception {
        List<ClassLoader> seen = new ArrayList<>();
        withContextLoader(application, () -> BareLoader.run(() -> seen.add(Thread.currentThread().getContextClassLoader())));

        ClassLoader bare = seen.get(0);
        assertNull(bare.getResource("META-INF/services/jakarta.websocket.server.ServerEndpointConfig$Configurator"));
        assertNull(bare.getResource(BareLoaderTest.class.getName().replace('.', '/') + ".class"));
        assertThrows(ClassNotFoundException.class, () -> bare.loadClass(BareLoaderTest.class.getName()));
        assertSame(String.class, bare.loadClass("java.lang.String"), "the JDK's classes are still there");
    }

    @Test
    void tasksAreHandedOverUnderTheBareLoaderAndRunUnderTheApplicationsLoader() {
        List<ClassLoader> atHandOver = new ArrayList<>();
        List<Runnable> handedOver = new ArrayList<>();
        Executor container = task -> {
            atHandOver.add(Thread.currentThread().getContextClassLoader()); // what a managed executor captures
            handedOver.add(task);
        };
        List<Executor> made = new ArrayList<>();
        withContextLoader(application, () -> made.add(BareLoader.submitting(container)));
        Executor writers = made.get(0);
        List<ClassLoader> inTask = new ArrayList<>();
        Runnable observed = () -> inTask.add(Thread.currentThread().getContextClassLoader());

        withContextLoader(application, () -> writers.execute(observed));
        // a submission from inside a bare-loader send (its handler ran at once): the task still gets the application's
        BareLoader.run(() -> writers.execute(observed));

        for (int i = 0; i < 2; i++) {
            ClassLoader captured = atHandOver.get(i);
            assertNull(captured.getResource(BareLoaderTest.class.getName().replace('.', '/') + ".class"));
            withContextLoader(captured, handedOver.get(i)); // the container's thread, under what it captured
        }
        assertEquals(List.of(application, application), inTask);
    }

    private static void withContextLoader(ClassLoader loader, Runnable code) {
        Thread thread = Thread.currentThread();
        ClassLoader own = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            code.run();
            assertSame(loader, thread.getContextClassLoader(), "the thread's loader is restored");
        } finally {
            thread.setContextClassLoader(own);
        }
    }
}
