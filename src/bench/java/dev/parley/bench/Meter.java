package dev.parley.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Wall time and the server's CPU time over one measured run (a cluster's: all its processes together);
 * and, since the machine is shared, the CPU that processes other than the server and this generator used
 * meanwhile ({@code /proc/stat}).
 */
final class Meter {

    private static final ServerProcess GENERATOR = new ServerProcess(ProcessHandle.current().pid());
    /** Clock ticks per second of {@code /proc/stat} (USER_HZ), as in {@link ServerProcess}. */
    private static final double TICK_NANOS = 1e9 / 100;

    private final List<ServerProcess> server;
    private final long startNanos;
    private final long startCpuNanos;
    private final long startOthersNanos;
    private final long startGeneratorNanos;
    private final long startSwitches;
    private final long startCompilerNanos;

    private Meter(List<ServerProcess> server) {
        this.server = List.copyOf(server);
        this.startOthersNanos = othersCpuNanos(this.server);
        this.startGeneratorNanos = GENERATOR.cpuNanos();
        this.startSwitches = switches(this.server);
        this.startCompilerNanos = compilerNanos(this.server);
        this.startCpuNanos = cpuNanos(this.server);
        this.startNanos = System.nanoTime();
    }

    static Meter start(ServerProcess server) {
        return new Meter(List.of(server));
    }

    /** A server of several processes (a cluster's nodes and its Redis): their CPU is summed. */
    static Meter start(List<ServerProcess> server) {
        return new Meter(server);
    }

    /** The run's figures for {@code units} units of work (round trips, messages, deliveries, connections). */
    Sample stop(long units) {
        long wallNanos = System.nanoTime() - startNanos;
        long cpuNanos = cpuNanos(server) - startCpuNanos;
        long othersNanos = othersCpuNanos(server) - startOthersNanos;
        long generatorNanos = GENERATOR.cpuNanos() - startGeneratorNanos;
        return new Sample(units, wallNanos, cpuNanos, Math.max(0, othersNanos), generatorNanos,
                switches(server) - startSwitches, Math.max(0, compilerNanos(server) - startCompilerNanos));
    }

    private static long compilerNanos(List<ServerProcess> server) {
        return server.stream().mapToLong(ServerProcess::compilerCpuNanos).sum();
    }

    private static long switches(List<ServerProcess> server) {
        return server.stream().mapToLong(ServerProcess::contextSwitches).sum();
    }

    private static long cpuNanos(List<ServerProcess> server) {
        return server.stream().mapToLong(ServerProcess::cpuNanos).sum();
    }

    /** CPU time the whole machine has been busy, less the server's and the generator's. */
    private static long othersCpuNanos(List<ServerProcess> server) {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busyTicks = 0;
            for (int i = 1; i <= 8 && i < cpu.length; i++) { // user nice system idle iowait irq softirq steal
                if (i != 4 && i != 5) {
                    busyTicks += Long.parseLong(cpu[i]);
                }
            }
            return (long) (busyTicks * TICK_NANOS) - cpuNanos(server) - GENERATOR.cpuNanos();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Sample(long units, long wallNanos, long cpuNanos, long othersCpuNanos, long generatorCpuNanos,
            long contextSwitches, long compilerCpuNanos) {

        /** The share of the server's CPU that its JIT compilers took: near 0 once warm. */
        double compilerShare() {
            return cpuNanos == 0 ? 0 : (double) compilerCpuNanos / cpuNanos;
        }

        /** The server's threads' context switches per unit. */
        double switchesPerUnit() {
            return units == 0 ? Double.NaN : (double) contextSwitches / units;
        }

        double perSecond() {
            return units * 1e9 / wallNanos;
        }

        /** Server CPU per unit, in microseconds. */
        double cpuMicrosPerUnit() {
            return units == 0 ? Double.NaN : cpuNanos / 1e3 / units;
        }

        /** How busy the server was: 1.0 is one core all the time. */
        double serverLoad() {
            return (double) cpuNanos / wallNanos;
        }

        /** How busy this generator was, in cores: near 1.0, it rather than the server may be the limit. */
        double generatorLoad() {
            return (double) generatorCpuNanos / wallNanos;
        }

        /** How busy everything else on the machine was meanwhile, in cores: the run's noise. */
        double othersLoad() {
            return (double) othersCpuNanos / wallNanos;
        }
    }
}
