package dev.parley.connection;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.Executor;

/**
 * Runs code with a context class loader that finds nothing. On Payara every task handed to a managed
 * executor first runs {@code ServiceLoader.load(ThreadContextProvider.class, <context class loader>)} (in
 * {@code ContextSetupProviderImpl.saveContext}, whatever context service the executor has), which reads the
 * service files of every jar the application's class loader sees, some 320 of them, for every task. Under a
 * bare loader the same lookup sees only the JDK's.
 */
final class BareLoader {

    /** A JDK class with no parent: a thread that keeps it as its context loader keeps nothing of the application. */
    private static final ClassLoader BARE = new URLClassLoader(new URL[0], null);

    private BareLoader() {
    }

    /** Runs {@code code} under the bare loader, then restores the thread's own. */
    static void run(Runnable code) {
        runUnder(BARE, code);
    }

    /**
     * {@code executor}, with each task handed over under the bare loader, so that its context is captured
     * cheaply; the task itself runs under the loader of the thread that made this, the application's, as it
     * would have. (Not the loader of the thread that submits: a send that completes at once runs its
     * handler, and the next submission, inside {@link #run}.)
     */
    static Executor submitting(Executor executor) {
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        return task -> run(() -> executor.execute(() -> runUnder(application, task)));
    }

    private static void runUnder(ClassLoader loader, Runnable code) {
        Thread thread = Thread.currentThread();
        ClassLoader own = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            code.run();
        } finally {
            thread.setContextClassLoader(own);
        }
    }
}
