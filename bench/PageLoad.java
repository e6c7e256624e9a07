// Opens N live pages on a Tutti hub, as N phones would, and reads everything the hub sends them.
// Plain JDK (java.net.http), run as a single source file:
//   java bench/PageLoad.java ws://127.0.0.1:8080/api/live TOKEN 50 30
// TOKEN is one token for every page, or @FILE: a file with one token per line, page i signing in with
// line i (mod the number of lines), as singers' phones each with their own personal link.
// Prints one line at the end: pages, messages, bytes, meters messages per page per second, and how
// many pages were closed early.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

public class PageLoad {
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        List<String> tokens = args[1].startsWith("@")
                ? java.nio.file.Files.readAllLines(java.nio.file.Path.of(args[1].substring(1))).stream()
                        .map(String::strip).filter(t -> !t.isEmpty()).toList()
                : List.of(args[1]);
        int pages = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        AtomicLong messages = new AtomicLong();
        AtomicLong meters = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong closed = new AtomicLong();
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            WebSocket socket = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                private final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        messages.incrementAndGet();
                        bytes.addAndGet(text.length());
                        if (text.indexOf("\"type\":\"meters\"") >= 0) {
                            meters.incrementAndGet();
                        }
                        text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                    closed.incrementAndGet();
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            socket.sendText("{\"token\":\"" + tokens.get(i % tokens.size()) + "\"}", true);
            sockets.add(socket);
        }
        long metersBefore = meters.get();
        long start = System.nanoTime();
        System.out.println("pageload: " + pages + " pages open");
        Thread.sleep((long) (seconds * 1000));
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(java.util.Locale.ROOT,
                "pageload: pages=%d messages=%d bytes=%d meters_per_page_per_second=%.1f closed_early=%d%n",
                pages, messages.get(), bytes.get(), (meters.get() - metersBefore) / elapsed / pages, closed.get());
        for (WebSocket socket : sockets) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
        Thread.sleep(200);
    }
}
