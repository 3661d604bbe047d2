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
    void tasksAreHandedOverUnderTheBareLoaderAndRunUnderTheSubmittersLoader() {
        List<ClassLoader> atHandOver = new ArrayList<>();
        List<Runnable> handedOver = new ArrayList<>();
        Executor container = task -> {
            atHandOver.add(Thread.currentThread().getContextClassLoader()); // what a managed executor captures
            handedOver.add(task);
        };
        withContextLoader(application, () -> BareLoader.submitting(container).execute(() -> { }));
        withContextLoader(application, () -> assertEquals(application, Thread.currentThread().getContextClassLoader()));
        assertNull(atHandOver.get(0).getResource(BareLoaderTest.class.getName().replace('.', '/') + ".class"));

        // the container's thread runs the task under the loader it captured, the bare one
        List<ClassLoader> inTask = new ArrayList<>();
        withContextLoader(atHandOver.get(0), handedOver.get(0));
        Runnable observed = () -> inTask.add(Thread.currentThread().getContextClassLoader());
        withContextLoader(application, () -> BareLoader.submitting(container).execute(observed));
        withContextLoader(atHandOver.get(1), handedOver.get(1));
        assertEquals(List.of(application), inTask);
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
