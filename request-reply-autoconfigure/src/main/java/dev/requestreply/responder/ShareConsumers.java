package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.requestreply.support.SupervisedLoop;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The share consumers of one queue handler, each a {@link ShareRequestReader} on a supervised
 * loop of its own: after a failure (a broker outage, say) it starts again with a new consumer.
 * Each acquires at most {@code maxConcurrency / consumers} requests at once, and there are at
 * most {@code maxConcurrency} of them, so that together they never hold more than the handler has
 * threads for.
 */
final class ShareConsumers implements ShareIntake {

	private static final Duration MIN_BACKOFF = Duration.ofMillis(100);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

	private final List<ShareRequestReader> readers = new ArrayList<>();

	private final List<SupervisedLoop> loops = new ArrayList<>();

	/**
	 * @param handlerId the handler's id
	 * @param topics its topics
	 * @param consumerConfig the configuration of its consumer group's consumers
	 * @param groupId its share group
	 * @param consumers how many share consumers it asks for (at most {@code maxConcurrency})
	 * @param maxConcurrency the most requests it runs at once
	 * @param parts the pieces of the handler the consumers hand requests to
	 */
	ShareConsumers(String handlerId, List<String> topics, Map<String, Object> consumerConfig, String groupId,
			int consumers, int maxConcurrency, ShareParts parts) {
		// Each acquires at least one request a poll: no more consumers than threads.
		int count = Math.min(consumers, maxConcurrency);
		int perConsumer = Math.max(1, maxConcurrency / count);
		ShareCopies copies = new ShareCopies();
		for (int i = 0; i < count; i++) {
			String clientId = "request-reply-handler-" + handlerId + "-share-" + i;
			Map<String, Object> config = ShareClientConfig.of(consumerConfig, groupId, clientId, perConsumer);
			ShareRequestReader reader = new ShareRequestReader((index) -> create(config), topics, i, parts,
					copies);
			this.readers.add(reader);
			this.loops.add(new SupervisedLoop(clientId, reader, MIN_BACKOFF, MAX_BACKOFF));
		}
	}

	private static ShareConsumer<byte[], byte[]> create(Map<String, Object> config) {
		return new KafkaShareConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
	}

	@Override
	public void start() {
		this.loops.forEach(SupervisedLoop::start);
	}

	@Override
	public void pause() {
		this.readers.forEach(ShareRequestReader::pause);
	}

	@Override
	public void stop(Duration timeout) {
		// Those that hold nothing first: a share fetch still under way acquires any record the
		// broker makes available, even one another consumer of the handler just released, and
		// each acquisition counts as a delivery.
		List<ShareRequestReader> order = new ArrayList<>(this.readers);
		order.sort(Comparator.comparing(ShareRequestReader::isHolding));
		for (ShareRequestReader reader : order) {
			reader.requestStop();
			try {
				reader.awaitClosed(timeout);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		this.loops.forEach((loop) -> loop.stop(Duration.ofSeconds(1)));
	}

	@Override
	public List<SupervisedLoop.Status> loops() {
		return this.loops.stream().map(SupervisedLoop::status).toList();
	}

}
