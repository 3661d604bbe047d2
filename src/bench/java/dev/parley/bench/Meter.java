package dev.parley.bench;

/** Wall time and the server's CPU time over one measured run. */
final class Meter {

    private final ServerProcess server;
    private final long startNanos;
    private final long startCpuNanos;

    private Meter(ServerProcess server) {
        this.server = server;
        this.startCpuNanos = server.cpuNanos();
        this.startNanos = System.nanoTime();
    }

    static Meter start(ServerProcess server) {
        return new Meter(server);
    }

    /** The run's figures for {@code units} units of work (round trips, messages, deliveries, connections). */
    Sample stop(long units) {
        long wallNanos = System.nanoTime() - startNanos;
        long cpuNanos = server.cpuNanos() - startCpuNanos;
        return new Sample(units, wallNanos, cpuNanos);
    }

    record Sample(long units, long wallNanos, long cpuNanos) {

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
    }
}
