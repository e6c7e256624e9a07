package org.tutti.loadgen;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.Socket;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.tutti.protocol.udp.ExitPacket;

/**
 * io_uring socket layer without Netty's channels ({@code --io batch}): one UDP socket per client as
 * before, but every send and every receive of a loop iteration, across all its clients' sockets, goes
 * to the kernel in one {@code io_uring_enter}, and the Java side per packet is a copy into a
 * pre-allocated native buffer and a submission whose description was built once per client.
 *
 * <p>Why one socket per client, not a few shared ones with {@code sendmmsg}/{@code recvmmsg}: a hub
 * learns each participant's address from its first datagram and ends any other session streaming from
 * the same address and port, as JackTrip's hub does (Tutti's {@code SessionManager.startStream}: "whoever
 * streamed from this address before is gone"). Clients sharing a socket would end each other. io_uring
 * batches across sockets instead.
 *
 * <p>Per event loop ({@code --io-threads}, default 1) one thread does everything for its clients:
 * <ul>
 * <li>sending: an absolute io_uring timeout wakes the loop at the earliest client deadline; the pass
 *     builds every due packet (as the other layers do), copies it into one of the client's send slots
 *     and queues a {@code SEND} on the client's connected socket. Netty submits the queue when the pass
 *     is over: one system call for all of them.</li>
 * <li>receiving: every client keeps one {@code RECV} posted into its own buffer; each completion is
 *     analysed where it is read, dated when its completion is handled, and the {@code RECV} re-posted
 *     (queued, submitted with the rest). The kernel runs the receives of datagrams that arrived while
 *     the loop was busy in one go, when it next enters.</li>
 * </ul>
 * With {@code --rx-batch-us} (default above 64 clients, as for nio) the loop pauses that long after
 * handling a batch of receives, never past the next send deadline: datagrams arriving meanwhile wait in
 * their sockets without waking it, and are handled together (dated up to that much late).
 *
 * <p>Nothing is allocated per packet: the {@link IoUringIoOps} of every receive and send slot are built
 * once, the completion event is Netty's per registration, the timer has no Netty scheduled task. (Netty
 * 4.2.18's loop itself allocates a 16-byte method reference per iteration, i.e. per wake-up.)
 */
final class BatchedClientIo implements ClientIo {
    // linux/io_uring.h, and errno numbers as on every Linux architecture Netty ships io_uring for.
    static final byte OP_TIMEOUT = 11;
    static final byte OP_ASYNC_CANCEL = 14;
    static final byte OP_SEND = 26;
    static final byte OP_RECV = 27;
    private static final int TIMEOUT_ABS = 1;
    private static final int MSG_TRUNC = 0x20;
    private static final int ECONNREFUSED = 111;
    private static final int ECANCELED = 125;
    private static final long MAX_SLEEP_NANOS = 10_000_000L;
    /** Send slots a client may have in flight (one per packet; normally one, a burst after a stall more). */
    static final int MAX_SEND_SLOTS = 64;
    private static final int INITIAL_SEND_SLOTS = 2;
    /**
     * Timer deadlines (timespecs) in native memory: the kernel reads one when it takes the timeout's
     * entry, at the loop's next {@code io_uring_enter}, so a slot must not be rewritten before then.
     * A pass arms one timer, and a client start at most one more; this is far more than an iteration uses.
     */
    private static final int TIMER_SLOTS = 64;
    /** A receive pause ends this long before the next send is due (a parked thread wakes up to ~50 µs late). */
    static final long REST_MARGIN_NANOS = 60_000L;
    /** A receive that keeps failing this many times in a row (not a one-off ICMP error) is not re-posted. */
    private static final int MAX_RECEIVE_ERRORS_IN_A_ROW = 1000;

    private final RunClock clock;
    private final Markers markers;
    private final long slackNanos;
    private final long restNanos;
    private final boolean ipv4;
    private final MultiThreadIoEventLoopGroup group;
    private final Worker[] workers;
    private final int receiveBufferSize;
    private final int datagramSize;
    private final int slotSize;
    private final List<String> threadNames = new ArrayList<>();
    private boolean stopped;

    BatchedClientIo(LoadConfig config, RunClock clock, Signal signal, Markers markers, long slackNanos, boolean ipv4) {
        IoUring.ensureAvailability();
        this.clock = clock;
        this.markers = markers;
        this.slackNanos = slackNanos;
        this.restNanos = config.receiveBatchMicros() * 1000L;
        this.ipv4 = ipv4;
        // As the Netty layer: whatever the hub's period and redundancy, its packets fit.
        this.receiveBufferSize = Math.max(16384, 2 * config.datagramSize());
        this.datagramSize = config.datagramSize();
        this.slotSize = (Math.max(datagramSize, ExitPacket.LENGTH) + 63) & ~63;
        group = new MultiThreadIoEventLoopGroup(config.ioThreads(),
                new DefaultThreadFactory("lg-batch", true, Thread.MAX_PRIORITY), IoUringIoHandler.newFactory());
        workers = new Worker[config.ioThreads()];
        int i = 0;
        for (var executor : group) {
            IoEventLoop loop = (IoEventLoop) executor;
            Worker worker = new Worker(loop, new ThreadStats("lg-batch-" + i, clock), config, signal);
            worker.timer = register(loop, worker);
            workers[i++] = worker;
        }
        for (Worker worker : workers) {
            worker.loop.submit(() -> threadNames.add(Thread.currentThread().getName())).syncUninterruptibly();
        }
    }

    /** How long a receive pause lasts: {@code rest}, but never past the next send (the armed timer) less a margin. */
    static long restPause(long rest, boolean timerArmed, long timerAt, long now) {
        return timerArmed ? Math.min(rest, timerAt - now - REST_MARGIN_NANOS) : rest;
    }

    private static IoRegistration register(IoEventLoop loop, IoUringIoHandle handle) {
        Future<IoRegistration> registered = loop.register(handle).syncUninterruptibly();
        return registered.getNow();
    }

    private Worker workerOf(SimClient client) {
        return workers[client.index % workers.length];
    }

    @Override
    public int bind(SimClient client, InetSocketAddress local) throws IOException {
        Worker worker = workerOf(client);
        UdpSocket socket = UdpSocket.open(!ipv4);
        Conn conn;
        try {
            InetAddress address = local.getAddress();
            if (!ipv4 && (address == null || address.isAnyLocalAddress()) && !(address instanceof Inet6Address)) {
                local = new InetSocketAddress(InetAddress.getByName("::"), local.getPort()); // dual-stack any
            }
            socket.bind(local);
            conn = new Conn(client, worker, socket);
            conn.registration = register(worker.loop, conn);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e instanceof IOException ? (IOException) e : new IOException(e);
        }
        conn.prepare();
        client.socket = conn;
        synchronized (worker.conns) {
            worker.conns.add(conn);
        }
        return socket.localAddress().getPort();
    }

    @Override
    public void start(SimClient client, InetSocketAddress hubUdp) throws IOException {
        Conn conn = (Conn) client.socket;
        conn.socket.connect(hubUdp);
        client.hubUdp = hubUdp;
        Worker worker = conn.worker;
        worker.loop.execute(() -> worker.add(conn));
    }

    @Override
    public void leave(SimClient client) {
        Worker worker = workerOf(client);
        try {
            worker.loop.execute(() -> worker.leave(client));
        } catch (RejectedExecutionException e) {
            // stopped: the run's end sent its exit packets
        }
    }

    @Override
    public void close(SimClient client) {
        Conn conn = (Conn) client.socket;
        if (conn == null) {
            client.closed = true;
            return;
        }
        try {
            conn.worker.loop.execute(conn::startClose);
        } catch (RejectedExecutionException e) {
            conn.closeSocket(); // the loop is gone, and every receive with it
            client.closed = true;
        }
    }

    /** The sending and receiving side of one event loop. Every field is touched on that loop only. */
    private final class Worker implements PacketOut, IoUringIoHandle {
        final IoEventLoop loop;
        final ThreadStats stats;
        final SendScratch scratch;
        final ReceiveAnalyzer analyzer;
        /** Clients streaming (sent for at each pass). */
        final List<SimClient> clients = new ArrayList<>();
        /** Every open socket of this loop (guarded by itself: bind adds from the control thread). */
        final List<Conn> conns = new ArrayList<>();
        final ByteBuffer exit = ByteBuffer.allocateDirect(ExitPacket.LENGTH);
        final ByteBuffer timespecs = ByteBuffer.allocateDirect(16 * TIMER_SLOTS).order(ByteOrder.nativeOrder());
        final IoUringIoOps[] timerOps = new IoUringIoOps[TIMER_SLOTS];
        IoRegistration timer;
        int timerSlot;
        boolean timerArmed;
        long timerAt;
        boolean running = true;
        /** The receive pause is queued as a task (it runs once this iteration's completions are handled). */
        boolean restQueued;
        final Runnable rest = this::rest;

        Worker(IoEventLoop loop, ThreadStats stats, LoadConfig config, Signal signal) {
            this.loop = loop;
            this.stats = stats;
            this.scratch = new SendScratch(config, clock);
            this.analyzer = new ReceiveAnalyzer(config, signal, markers, stats);
            long base = io.netty.channel.unix.Buffer.memoryAddress(timespecs);
            for (int i = 0; i < TIMER_SLOTS; i++) {
                // An absolute CLOCK_MONOTONIC deadline (System.nanoTime's clock), no completion count.
                timerOps[i] = new IoUringIoOps(OP_TIMEOUT, (byte) 0, (short) 0, -1, 0L, base + 16L * i, 1,
                        TIMEOUT_ABS, (short) i, (short) 0, (short) 0, 0, 0L);
            }
        }

        void add(Conn conn) {
            if (!running || conn.closing) {
                return;
            }
            SimClient client = conn.client;
            client.startStreaming(clock, System.nanoTime(), START_LEAD_NANOS);
            clients.add(client);
            conn.postReceive();
            scheduleBy(client.nextDeadline());
        }

        /** Arms the timer for {@code deadline} unless it is armed for that or earlier already. */
        private void scheduleBy(long deadline) {
            if (!running || (timerArmed && deadline - timerAt >= 0)) {
                return;
            }
            int slot = (timerSlot + 1) & (TIMER_SLOTS - 1);
            timespecs.putLong(16 * slot, Math.max(0, deadline) / 1_000_000_000L);
            timespecs.putLong(16 * slot + 8, Math.max(0, deadline) % 1_000_000_000L);
            if (timer.submit(timerOps[slot]) != 0) {
                // An earlier timer still armed fires later as a stale slot and is ignored.
                timerSlot = slot;
                timerAt = deadline;
                timerArmed = true;
            }
        }

        /** Timer completions. */
        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            IoUringIoEvent event = (IoUringIoEvent) ioEvent;
            if (event.opcode() != OP_TIMEOUT || event.data() != timerSlot || !timerArmed) {
                return; // a timer that an earlier deadline replaced
            }
            timerArmed = false;
            pass();
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
                long deadline = clients.get(i).sendDue(now, horizon, MAX_BURST, this, scratch, stats);
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
            Conn conn = (Conn) client.socket;
            if (conn.closing) {
                return false;
            }
            int slot = conn.takeSlot();
            if (slot < 0) {
                return false;
            }
            conn.slotBuffer[slot].put(0, datagram, 0, length);
            conn.slotLength[slot] = length;
            IoUringIoOps ops = length == datagramSize ? conn.slotOps[slot] : conn.sendOps(slot, length);
            if (conn.registration.submit(ops) == 0) {
                conn.freeSlots |= 1L << slot;
                return false;
            }
            return true;
        }

        /** A send completed: its slot is free again; a refused one (ICMP, say) is undone in the counts. */
        void sent(Conn conn, int slot, int result) {
            conn.freeSlots |= 1L << slot;
            if (result < 0) {
                SimClient client = conn.client;
                client.datagramsSent--;
                client.bytesSent -= conn.slotLength[slot];
                client.sendErrors++;
            }
        }

        /** A receive completed: analyse the datagram where it lies, then post the next receive. */
        void received(Conn conn, int result) {
            conn.receivePosted = 0;
            SimClient client = conn.client;
            if (result > 0) {
                conn.receiveErrorsInARow = 0;
                if (restNanos > 0 && !restQueued) {
                    restQueued = true;
                    loop.execute(rest);
                }
                if (result <= receiveBufferSize) {
                    analyzer.onDatagram(client, conn.receive, 0, result, System.nanoTime());
                } else {
                    // Cut to the buffer (MSG_TRUNC reports the real length): count it, do not misread it.
                    client.datagramsReceived++;
                    client.bytesReceived += result;
                    client.malformed++;
                }
            } else if (result < 0 && result != -ECANCELED) {
                // ICMP port unreachable (hub port closed) surfaces here on a connected socket.
                client.receiveErrors++;
                conn.receiveErrorsInARow++;
            }
            if (conn.closing) {
                conn.finishClose();
            } else if (result != -ECANCELED && conn.receiveErrorsInARow < MAX_RECEIVE_ERRORS_IN_A_ROW) {
                conn.postReceive();
            }
        }

        /**
         * The receive pause, after the completions of a loop iteration: the thread sleeps instead of
         * waiting in io_uring, so arrivals queue as the kernel's deferred work without a wake-up each.
         */
        private void rest() {
            restQueued = false;
            long pause = restPause(restNanos, timerArmed, timerAt, System.nanoTime());
            if (pause > 0) {
                LockSupport.parkNanos(pause);
            }
        }

        /** One client leaves: exit ×2 from its socket, and it is no longer sent for. */
        void leave(SimClient client) {
            client.sendExit(this, exit);
            clients.remove(client);
        }

        /** Stops sending and sends exit ×2 from every client still streaming. */
        void stopSending() {
            for (Conn conn : snapshot()) {
                conn.client.sendExit(this, exit);
            }
            running = false;
            clients.clear();
        }

        /** Closes every socket of this loop (each once its posted receive is cancelled). */
        void closeAll() {
            for (Conn conn : snapshot()) {
                conn.startClose();
            }
        }

        List<Conn> snapshot() {
            synchronized (conns) {
                return new ArrayList<>(conns);
            }
        }

        int open() {
            synchronized (conns) {
                return conns.size();
            }
        }

        @Override
        public void close() {
            // the timer has nothing to release
        }
    }

    /** One client's socket, its receive buffer and send slots, and its io_uring registration. */
    private final class Conn implements IoUringIoHandle {
        final SimClient client;
        final Worker worker;
        final UdpSocket socket;
        final int fd;
        IoRegistration registration;
        ByteBuffer receive;
        IoUringIoOps receiveOps;
        /** The posted receive's user data (to cancel it), 0 when none is posted. */
        long receivePosted;
        int receiveErrorsInARow;
        final ByteBuffer[] slotBuffer = new ByteBuffer[MAX_SEND_SLOTS];
        final long[] slotAddress = new long[MAX_SEND_SLOTS];
        final IoUringIoOps[] slotOps = new IoUringIoOps[MAX_SEND_SLOTS];
        final int[] slotLength = new int[MAX_SEND_SLOTS];
        int slots;
        /** Bit i set: send slot i is free. */
        long freeSlots;
        boolean closing;
        private boolean socketClosed;

        Conn(SimClient client, Worker worker, UdpSocket socket) {
            this.client = client;
            this.worker = worker;
            this.socket = socket;
            this.fd = socket.intValue();
        }

        /** Buffers and prebuilt operations (on the binding thread, before the loop sees this client). */
        void prepare() {
            receive = ByteBuffer.allocateDirect(receiveBufferSize);
            receiveOps = new IoUringIoOps(OP_RECV, (byte) 0, (short) 0, fd, 0L,
                    io.netty.channel.unix.Buffer.memoryAddress(receive), receiveBufferSize, MSG_TRUNC, (short) 0,
                    (short) 0, (short) 0, 0, 0L);
            grow();
        }

        void postReceive() {
            if (receivePosted == 0 && !closing) {
                receivePosted = registration.submit(receiveOps);
            }
        }

        int takeSlot() {
            if (freeSlots == 0 && !grow()) {
                return -1;
            }
            int slot = Long.numberOfTrailingZeros(freeSlots);
            freeSlots &= ~(1L << slot);
            return slot;
        }

        /** More send slots (a burst after a stall): allocates, but only until the most a client ever had in flight. */
        private boolean grow() {
            if (slots == MAX_SEND_SLOTS) {
                return false;
            }
            int more = slots == 0 ? INITIAL_SEND_SLOTS : Math.min(slots, MAX_SEND_SLOTS - slots);
            ByteBuffer slab = ByteBuffer.allocateDirect(more * slotSize);
            long base = io.netty.channel.unix.Buffer.memoryAddress(slab);
            for (int i = 0; i < more; i++) {
                int slot = slots + i;
                slotBuffer[slot] = slab.slice(i * slotSize, slotSize);
                slotAddress[slot] = base + (long) i * slotSize;
                slotOps[slot] = sendOps(slot, datagramSize);
                freeSlots |= 1L << slot;
            }
            slots += more;
            return true;
        }

        IoUringIoOps sendOps(int slot, int length) {
            return new IoUringIoOps(OP_SEND, (byte) 0, (short) 0, fd, 0L, slotAddress[slot], length, 0, (short) slot,
                    (short) 0, (short) 0, 0, 0L);
        }

        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            IoUringIoEvent event = (IoUringIoEvent) ioEvent;
            switch (event.opcode()) {
                case OP_RECV:
                    worker.received(this, event.res());
                    break;
                case OP_SEND:
                    worker.sent(this, event.data() & 0xFFFF, event.res());
                    break;
                default:
                    break; // the cancel of a receive: that receive's own completion follows
            }
        }

        /** On the loop: stop sending for this client and cancel its receive; the socket closes when it completes. */
        void startClose() {
            if (closing) {
                return;
            }
            closing = true;
            worker.clients.remove(client);
            if (receivePosted != 0 && registration.isValid()) {
                registration.submit(new IoUringIoOps(OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0L, receivePosted, 0,
                        0, (short) 0, (short) 0, (short) 0, 0, 0L));
            } else {
                finishClose();
            }
        }

        /** On the loop, with no receive posted: no read of this socket is in progress, and none follows. */
        void finishClose() {
            if (socketClosed) {
                return;
            }
            registration.cancel(); // removed once its sends in flight have completed
            closeSocket();
            synchronized (worker.conns) {
                worker.conns.remove(this);
            }
            client.closed = true;
        }

        void closeSocket() {
            socketClosed = true;
            try {
                socket.close(); // sends still in flight hold their own reference to it
            } catch (IOException e) {
                // nothing left to do
            }
        }

        /** Netty closes every registered handle when the loop shuts down. */
        @Override
        public void close() {
            if (receivePosted != 0 && registration != null && registration.isValid()) {
                closing = true;
                registration.submit(new IoUringIoOps(OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0L, receivePosted, 0,
                        0, (short) 0, (short) 0, (short) 0, 0, 0L));
            }
            closeSocket();
            client.closed = true;
        }
    }

    /** A non-blocking UDP socket of Netty's native layer: a file descriptor io_uring can use. */
    static final class UdpSocket extends Socket {
        private UdpSocket(int fd) {
            super(fd);
        }

        static UdpSocket open(boolean ipv6) {
            return new UdpSocket(newSocketDgram0(ipv6));
        }
    }

    @Override
    public synchronized void stop(long drainMillis) {
        if (stopped) {
            return;
        }
        stopped = true;
        for (Worker worker : workers) {
            worker.loop.submit(worker::stopSending).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        NioClientIo.sleep(drainMillis);
        for (Worker worker : workers) {
            worker.loop.submit(worker::closeAll).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (Worker worker : workers) {
            while (worker.open() > 0 && System.nanoTime() - deadline < 0) {
                NioClientIo.sleep(5);
            }
        }
        group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public List<ThreadStats> threadStats() {
        List<ThreadStats> list = new ArrayList<>();
        for (Worker worker : workers) {
            list.add(worker.stats);
        }
        return list;
    }

    @Override
    public List<String> threadNames() {
        return List.copyOf(threadNames);
    }
}
