package org.tutti.server.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import java.util.ArrayList;
import java.util.List;
import org.tutti.server.engine.EngineSnapshot;
import org.tutti.server.engine.Outbox;
import org.tutti.server.engine.ParticipantStream;

/**
 * Hands each period's packets from the audio thread to the network threads: one pre-built task
 * per event loop, posted once per period, writes every staged packet of the participants on that
 * loop. The audio thread never touches a socket and allocates nothing.
 */
public final class NettyOutbox implements Outbox {
    private final FlushTask[] tasks;
    private volatile EngineSnapshot flushing;

    public NettyOutbox(EventLoopGroup audioGroup) {
        List<FlushTask> list = new ArrayList<>();
        audioGroup.forEach(executor -> list.add(new FlushTask((EventLoop) executor)));
        tasks = list.toArray(new FlushTask[0]);
    }

    @Override
    public void flush(EngineSnapshot snapshot) {
        flushing = snapshot;
        for (FlushTask task : tasks) {
            task.loop.execute(task);
        }
    }

    private final class FlushTask implements Runnable {
        private final EventLoop loop;

        FlushTask(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public void run() {
            EngineSnapshot snapshot = flushing;
            for (ParticipantStream stream : snapshot.streams()) {
                PacketSender sender = stream.sender();
                if (sender == null || sender.channel().eventLoop() != loop) {
                    continue;
                }
                Channel channel = sender.channel();
                boolean wrote = false;
                for (DatagramPacket packet = sender.take(); packet != null; packet = sender.take()) {
                    if (channel.isActive()) {
                        channel.write(packet, channel.voidPromise());
                        wrote = true;
                    } else {
                        packet.release();
                    }
                }
                if (wrote) {
                    channel.flush();
                }
            }
        }
    }
}
