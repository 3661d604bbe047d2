package dev.parley.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server under test, read from {@code /proc}: its CPU time stays a fair measure of its cost per unit
 * of work even when the load generator, not the server, is what saturates.
 */
record ServerProcess(long pid) {

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ), 100 on Linux. */
    private static final double TICK_NANOS = 1e9 / 100;
    private static final long QUIET_NANOS_PER_SECOND = 50_000_000;
    private static final Duration QUIET_WAIT = Duration.ofSeconds(60);

    /** User plus system CPU time of all the server's threads so far. */
    long cpuNanos() {
        String stat = read("stat");
        // fields after the command name, which is in parentheses and may hold spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return (long) (ticks * TICK_NANOS);
    }

    /**
     * Waits until the server has used under 5 % of a core for a whole second, for at most a minute. A JVM
     * keeps compiling what a warm-up or the last scenario made hot for seconds after the load stops;
     * without the wait, that bill lands on the next scenario.
     */
    void awaitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + QUIET_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            long before = cpuNanos();
            Thread.sleep(1_000);
            if (cpuNanos() - before < QUIET_NANOS_PER_SECOND) {
                return;
            }
        }
        System.err.println("the server was still busy after " + QUIET_WAIT + "; measuring anyway");
    }

    /**
     * Pins every thread of the process to {@code cpus} ({@code taskset} syntax, e.g. {@code 0}); threads it
     * starts later inherit that from the thread that starts them.
     */
    void pinTo(String cpus) throws IOException, InterruptedException {
        Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (taskset.waitFor() != 0) {
            throw new IOException("taskset could not pin process " + pid + " to CPU " + cpus);
        }
    }

    /**
     * CPU time so far of the JVM's JIT compiler threads alive now (C1 and C2): a one-off cost of a JVM's first
     * minutes, which a measure of the steady state must not count.
     */
    long compilerCpuNanos() {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("server process " + pid + " is gone", e);
        }
        return (long) (ticks * TICK_NANOS);
    }

    /**
     * Context switches so far, voluntary (a thread that waits: for a socket, a lock, a queue) and not, summed
     * over the threads alive now: each wake-up of a thread is one, and costs the kernel's time besides.
     */
    long contextSwitches() {
        long switches = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            switches += Long.parseLong(line.replaceAll("\\D", ""));
                        }
                    }
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("server process " + pid + " is gone", e);
        }
        return switches;
    }

    /** Resident memory, in KiB. */
    long rssKiB() {
        return read("status").lines()
                .filter(line -> line.startsWith("VmRSS:"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst()
                .orElseThrow();
    }

    private String read(String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file));
        } catch (IOException e) {
            throw new UncheckedIOException("server process " + pid + " is gone", e);
        }
    }
}
