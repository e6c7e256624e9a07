package org.tutti.loadgen;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.tutti.protocol.udp.ExitPacket;

/**
 * One event loop of the batch layer ({@link BatchedClientIo}, {@code --io-threads}, default 1): its one
 * thread does everything for its clients.
 * <ul>
 * <li>sending: an absolute io_uring timeout ({@link DeadlineTimer}) wakes the loop at the earliest client
 *     deadline; the pass builds every due packet (as the other layers do), copies it into one of the
 *     client's send slots and queues a {@code SEND} on the client's connected socket. Netty submits the
 *     queue when the pass is over: one system call for all of them.</li>
 * <li>receiving: every client keeps one {@code RECV} posted into its own buffer; each completion is
 *     analysed where it is read, dated when its completion is handled, and the {@code RECV} re-posted
 *     (queued, submitted with the rest). The kernel runs the receives of datagrams that arrived while
 *     the loop was busy in one go, when it next enters.</li>
 * </ul>
 * With {@code --rx-batch-us} (default above 64 clients, as for nio) the loop pauses that long after
 * handling a batch of receives, never past the next send deadline: datagrams arriving meanwhile wait in
 * their sockets without waking it, and are handled together (dated up to that much late).
 *
 * <p>Every field is touched on the loop only, except {@code sockets}.
 */
final class BatchedLoop implements PacketOut {
    private static final long MAX_SLEEP_NANOS = 10_000_000L;
    /** A receive pause ends this long before the next send is due (a parked thread wakes up to ~50 µs late). */
    static final long REST_MARGIN_NANOS = 60_000L;
    /** A receive that keeps failing this many times in a row (not a one-off ICMP error) is not re-posted. */
    private static final int MAX_RECEIVE_ERRORS_IN_A_ROW = 1000;

    final IoEventLoop eventLoop;
    final ThreadStats stats;
    private final RunClock clock;
    private final Markers markers;
    private final long slackNanos;
    private final long restNanos;
    /** Size of every client's receive buffer: as in the Netty layer, whatever the hub's period and redundancy, its packets fit. */
    final int receiveBufferSize;
    final int datagramSize;
    private final SendScratch scratch;
    private final ReceiveAnalyzer analyzer;
    /** Clients streaming (sent for at each pass). */
    private final List<SimClient> clients = new ArrayList<>();
    /** Every open socket of this loop (guarded by itself: bind adds from the control thread). */
    private final List<BatchedClientSocket> sockets = new ArrayList<>();
    private final ByteBuffer exit = ByteBuffer.allocateDirect(ExitPacket.LENGTH);
    private final DeadlineTimer timer;
    private boolean running = true;
    /** The receive pause is queued as a task (it runs once this iteration's completions are handled). */
    private boolean restQueued;
    private final Runnable rest = this::rest;

    BatchedLoop(IoEventLoop eventLoop, ThreadStats stats, LoadConfig config, RunClock clock, Signal signal,
            Markers markers, long slackNanos) {
        this.eventLoop = eventLoop;
        this.stats = stats;
        this.clock = clock;
        this.markers = markers;
        this.slackNanos = slackNanos;
        this.restNanos = config.receiveBatchMicros() * 1000L;
        this.receiveBufferSize = Math.max(16384, 2 * config.datagramSize());
        this.datagramSize = config.datagramSize();
        this.scratch = new SendScratch(config, clock);
        this.analyzer = new ReceiveAnalyzer(config, signal, markers, stats);
        this.timer = new DeadlineTimer(this::pass);
        timer.registered(register(timer));
    }

    /** Registers {@code handle} with this loop, waiting for it (from any thread). */
    IoRegistration register(IoUringIoHandle handle) {
        return eventLoop.register(handle).syncUninterruptibly().getNow();
    }

    /** A socket bound for this loop (on the control thread). */
    void bound(BatchedClientSocket socket) {
        synchronized (sockets) {
            sockets.add(socket);
        }
    }

    /** A socket closed (on the loop). */
    void closed(BatchedClientSocket socket) {
        synchronized (sockets) {
            sockets.remove(socket);
        }
    }

    /** The socket's client starts streaming: its first receive is posted, its first send scheduled. */
    void add(BatchedClientSocket socket) {
        if (!running || socket.closing) {
            return;
        }
        SimClient client = socket.client;
        client.startStreaming(clock, System.nanoTime(), ClientIo.START_LEAD_NANOS);
        clients.add(client);
        socket.postReceive();
        scheduleBy(client.nextDeadline());
    }

    private void scheduleBy(long deadline) {
        if (running) {
            timer.scheduleBy(deadline);
        }
    }

    /** Sends every due packet of every client, then arms the timer for the next deadline. */
    private void pass() {
        if (!running) {
            return;
        }
        long now = System.nanoTime();
        long horizon = now + slackNanos;
        long next = now + MAX_SLEEP_NANOS;
        stats.sync();
        for (int i = 0, n = clients.size(); i < n; i++) {
            long deadline = clients.get(i).sendDue(now, horizon, ClientIo.MAX_BURST, this, scratch, stats);
            if (deadline < next) {
                next = deadline;
            }
        }
        if (markers != null) {
            markers.maintain(now);
        }
        scheduleBy(next);
    }

    /** Queues {@code datagram[0, length)} on the client's socket; it goes out when the loop next enters. */
    @Override
    public boolean send(SimClient client, ByteBuffer datagram, int length) {
        return ((BatchedClientSocket) client.socket).send(datagram, length);
    }

    /** A receive completed: analyse the datagram where it lies, then post the next receive. */
    void received(BatchedClientSocket socket, int result) {
        socket.receivePosted = 0;
        SimClient client = socket.client;
        if (result > 0) {
            socket.receiveErrorsInARow = 0;
            if (restNanos > 0 && !restQueued) {
                restQueued = true;
                eventLoop.execute(rest);
            }
            if (result <= receiveBufferSize) {
                analyzer.onDatagram(client, socket.receive, 0, result, System.nanoTime());
            } else {
                // Cut to the buffer (MSG_TRUNC reports the real length): count it, do not misread it.
                client.datagramsReceived++;
                client.bytesReceived += result;
                client.malformed++;
            }
        } else if (result < 0 && result != -UringOps.ECANCELED) {
            // ICMP port unreachable (hub port closed) surfaces here on a connected socket.
            client.receiveErrors++;
            socket.receiveErrorsInARow++;
        }
        if (socket.closing) {
            socket.finishClose();
        } else if (result != -UringOps.ECANCELED && socket.receiveErrorsInARow < MAX_RECEIVE_ERRORS_IN_A_ROW) {
            socket.postReceive();
        }
    }

    /**
     * The receive pause, after the completions of a loop iteration: the thread sleeps instead of
     * waiting in io_uring, so arrivals queue as the kernel's deferred work without a wake-up each.
     */
    private void rest() {
        restQueued = false;
        long pause = restPause(restNanos, timer.armed(), timer.at(), System.nanoTime());
        if (pause > 0) {
            LockSupport.parkNanos(pause);
        }
    }

    /** How long a receive pause lasts: {@code rest}, but never past the next send (the armed timer) less a margin. */
    static long restPause(long rest, boolean timerArmed, long timerAt, long now) {
        return timerArmed ? Math.min(rest, timerAt - now - REST_MARGIN_NANOS) : rest;
    }

    /** One client leaves: exit ×2 from its socket, and it is no longer sent for. */
    void leave(SimClient client) {
        client.sendExit(this, exit);
        clients.remove(client);
    }

    /** The client's socket is closing: it is no longer sent for. */
    void stopSendingFor(SimClient client) {
        clients.remove(client);
    }

    /** Stops sending and sends exit ×2 from every client still streaming. */
    void stopSending() {
        for (BatchedClientSocket socket : snapshot()) {
            socket.client.sendExit(this, exit);
        }
        running = false;
        clients.clear();
    }

    /** Closes every socket of this loop (each once its posted receive is cancelled). */
    void closeAll() {
        for (BatchedClientSocket socket : snapshot()) {
            socket.startClose();
        }
    }

    private List<BatchedClientSocket> snapshot() {
        synchronized (sockets) {
            return new ArrayList<>(sockets);
        }
    }

    /** Sockets not closed yet. */
    int open() {
        synchronized (sockets) {
            return sockets.size();
        }
    }
}
