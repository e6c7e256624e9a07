package org.tutti.loadgen;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

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
 * <p>This class spreads the clients over the event loops ({@code --io-threads}) and hands each call to
 * the loop of its client. The parts:
 * <ul>
 * <li>{@link BatchedLoop}: one loop's thread, which sends and receives for all its clients;</li>
 * <li>{@link DeadlineTimer}: the loop's send timer;</li>
 * <li>{@link BatchedClientSocket}: one client's socket, receive buffer and registration, and how it closes;</li>
 * <li>{@link SendSlots}: one client's send buffers;</li>
 * <li>{@link UringOps}: the io_uring submissions they build.</li>
 * </ul>
 *
 * <p>Nothing is allocated per packet: the {@link io.netty.channel.uring.IoUringIoOps} of every receive and
 * send slot are built once, the completion event is Netty's per registration, the timer has no Netty
 * scheduled task. (Netty 4.2.18's loop itself allocates a 16-byte method reference per iteration, i.e.
 * per wake-up.)
 */
final class BatchedClientIo implements ClientIo {
    private final boolean ipv4;
    private final MultiThreadIoEventLoopGroup group;
    private final BatchedLoop[] loops;
    private final List<String> threadNames = new ArrayList<>();
    private boolean stopped;

    BatchedClientIo(LoadConfig config, RunClock clock, Signal signal, Markers markers, long slackNanos, boolean ipv4) {
        IoUring.ensureAvailability();
        this.ipv4 = ipv4;
        group = new MultiThreadIoEventLoopGroup(config.ioThreads(),
                new DefaultThreadFactory("lg-batch", true, Thread.MAX_PRIORITY), IoUringIoHandler.newFactory());
        loops = new BatchedLoop[config.ioThreads()];
        int i = 0;
        for (var executor : group) {
            ThreadStats stats = new ThreadStats("lg-batch-" + i, clock);
            loops[i++] = new BatchedLoop((IoEventLoop) executor, stats, config, clock, signal, markers, slackNanos);
        }
        for (BatchedLoop loop : loops) {
            loop.eventLoop.submit(() -> threadNames.add(Thread.currentThread().getName())).syncUninterruptibly();
        }
    }

    private BatchedLoop loopOf(SimClient client) {
        return loops[client.index % loops.length];
    }

    @Override
    public int bind(SimClient client, InetSocketAddress local) throws IOException {
        BatchedLoop loop = loopOf(client);
        NativeUdpSocket udp = NativeUdpSocket.open(!ipv4);
        BatchedClientSocket socket;
        try {
            InetAddress address = local.getAddress();
            if (!ipv4 && (address == null || address.isAnyLocalAddress()) && !(address instanceof Inet6Address)) {
                local = new InetSocketAddress(InetAddress.getByName("::"), local.getPort()); // dual-stack any
            }
            udp.bind(local);
            socket = new BatchedClientSocket(client, loop, udp);
            socket.registration = loop.register(socket);
        } catch (IOException | RuntimeException e) {
            udp.close();
            throw e instanceof IOException ? (IOException) e : new IOException(e);
        }
        client.socket = socket;
        loop.bound(socket);
        return udp.localAddress().getPort();
    }

    @Override
    public void start(SimClient client, InetSocketAddress hubUdp) throws IOException {
        BatchedClientSocket socket = (BatchedClientSocket) client.socket;
        socket.udp.connect(hubUdp);
        client.hubUdp = hubUdp;
        BatchedLoop loop = socket.loop;
        loop.eventLoop.execute(() -> loop.add(socket));
    }

    @Override
    public void leave(SimClient client) {
        BatchedLoop loop = loopOf(client);
        try {
            loop.eventLoop.execute(() -> loop.leave(client));
        } catch (RejectedExecutionException e) {
            // stopped: the run's end sent its exit packets
        }
    }

    @Override
    public void close(SimClient client) {
        BatchedClientSocket socket = (BatchedClientSocket) client.socket;
        if (socket == null) {
            client.closed = true;
            return;
        }
        try {
            socket.loop.eventLoop.execute(socket::startClose);
        } catch (RejectedExecutionException e) {
            socket.closeSocket(); // the loop is gone, and every receive with it
            client.closed = true;
        }
    }

    @Override
    public synchronized void stop(long drainMillis) {
        if (stopped) {
            return;
        }
        stopped = true;
        for (BatchedLoop loop : loops) {
            loop.eventLoop.submit(loop::stopSending).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        NioClientIo.sleep(drainMillis);
        for (BatchedLoop loop : loops) {
            loop.eventLoop.submit(loop::closeAll).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (BatchedLoop loop : loops) {
            while (loop.open() > 0 && System.nanoTime() - deadline < 0) {
                NioClientIo.sleep(5);
            }
        }
        group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public List<ThreadStats> threadStats() {
        List<ThreadStats> list = new ArrayList<>();
        for (BatchedLoop loop : loops) {
            list.add(loop.stats);
        }
        return list;
    }

    @Override
    public List<String> threadNames() {
        return List.copyOf(threadNames);
    }
}
