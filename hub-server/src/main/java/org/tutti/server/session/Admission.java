package org.tutti.server.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.server.config.HubConfig;
import org.tutti.server.net.UdpEndpoints;

/**
 * Admits a handshake: the lowest free slot whose UDP port binds (a port another process holds is
 * skipped), a name, and the port to reply with. Runs on the conductor thread.
 */
final class Admission {
    private static final Logger LOG = LoggerFactory.getLogger("tutti.sessions");

    private final HubConfig config;
    private final EventExecutor conductor;
    private final UdpEndpoints udp;
    private final SlotTable slots;
    private final NameRegistry names;
    private final SessionEvents events;
    private final BooleanSupplier shuttingDown;
    private long nextId = 1;

    Admission(HubConfig config, EventExecutor conductor, UdpEndpoints udp, SlotTable slots, NameRegistry names,
              SessionEvents events, BooleanSupplier shuttingDown) {
        this.config = config;
        this.conductor = conductor;
        this.udp = udp;
        this.slots = slots;
        this.names = names;
        this.events = events;
        this.shuttingDown = shuttingDown;
    }

    /** Completes with the UDP port to reply with; fails when the hub is full or shutting down. */
    Future<Integer> admit(HandshakeRequest request, InetSocketAddress tcpPeer, String username) {
        Promise<Integer> reply = conductor.newPromise();
        conductor.execute(() -> {
            if (shuttingDown.getAsBoolean()) {
                reply.tryFailure(new IllegalStateException("hub is shutting down"));
                return;
            }
            tryBind(request, tcpPeer, username, 0, reply);
        });
        return reply;
    }

    private void tryBind(HandshakeRequest request, InetSocketAddress tcpPeer, String username, int fromSlot,
                         Promise<Integer> reply) {
        int slot = slots.reserveLowestFree(fromSlot);
        if (slot < 0) {
            LOG.warn("refused {} from {}: all {} participant slots are in use", displayName(request), tcpPeer,
                    slots.capacity());
            reply.tryFailure(new IllegalStateException("hub full"));
            return;
        }
        int port = config.udpBasePort() + slot;
        String name = NameRegistry.requested(request.name(), tcpPeer.getAddress());
        Participant participant = new Participant(nextId++, slot, port, name, tcpPeer, request, System.nanoTime());
        participant.username(username);
        ChannelFuture bound = udp.bind(port, participant, events);
        bound.addListener(f -> conductor.execute(() -> {
            if (!f.isSuccess()) {
                slots.unreserve(slot);
                LOG.warn("UDP port {} is in use by another process; skipping slot {} ({})", port, slot,
                        f.cause().getMessage());
                tryBind(request, tcpPeer, username, slot + 1, reply);
                return;
            }
            Channel channel = bound.channel();
            if (shuttingDown.getAsBoolean() || !reply.setUncancellable()) {
                channel.close().addListener(c -> conductor.execute(() -> slots.unreserve(slot)));
                return;
            }
            participant.channel(channel);
            slots.occupy(participant);
            participant.replaces(names.assign(participant));
            reply.trySuccess(port);
            LOG.debug("handshake {} from {} (reported UDP port {}): slot {}, UDP {}", participant.name(), tcpPeer,
                    request.clientUdpPort(), slot, port);
        }));
    }

    private static String displayName(HandshakeRequest request) {
        return request.name().isEmpty() ? "(unnamed)" : request.name();
    }
}
