package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.requestreply.handler.MalformedRequestException;
import dev.requestreply.wire.RequestReplyHeaders;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * What the handlers know of the reply topics requests name: how many partitions each has, and
 * which are missing. The producer waits up to {@code max.block.ms} for the metadata of a topic it
 * does not know, and for a partition a topic lacks: this is looked up once, on a handler thread
 * (never on a consumer thread), before the handler runs; a topic found missing is remembered as
 * missing for {@link #MISSING_TTL}, so that its requests end at once meanwhile.
 */
final class ReplyTopics {

	/**
	 * How long a reply topic found missing is taken to stay missing.
	 */
	static final Duration MISSING_TTL = Duration.ofSeconds(10);

	private static final int MAX_REMEMBERED = 1024;

	// The partition count of a topic that cannot be described: every partition is taken to exist.
	private static final int UNCHECKED = Integer.MAX_VALUE;

	private static final LogAccessor logger = new LogAccessor(ReplyTopics.class);

	private final KafkaTemplate<byte[], byte[]> template;

	// Partition counts of the reply topics seen (bounded: requests may name any topic).
	private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();

	// When each topic found missing may be looked up again (nanoTime).
	private final Map<String, Long> missingUntil = new ConcurrentHashMap<>();

	// The lookups under way: requests naming a topic being looked up wait for the one lookup.
	private final Map<String, CompletableFuture<Integer>> lookups = new ConcurrentHashMap<>();

	ReplyTopics(KafkaTemplate<byte[], byte[]> template) {
		this.template = template;
	}

	/**
	 * Check that a reply can be sent to the topic and partition.
	 * @param topic the reply topic
	 * @param partition the reply partition, or {@code null}
	 * @return whether the topic exists (else no reply can be sent)
	 * @throws MalformedRequestException if the topic lacks the partition
	 */
	boolean exists(String topic, @Nullable Integer partition) {
		Integer known = this.partitionCounts.get(topic);
		// Partitions are never taken away from a topic: a count seen holds.
		if (known != null && (partition == null || partition < known)) {
			return true;
		}
		Long until = this.missingUntil.get(topic);
		if (until != null) {
			if (System.nanoTime() - until < 0) {
				return false;
			}
			this.missingUntil.remove(topic, until);
		}
		int count = lookUp(topic);
		if (count == 0) {
			return false;
		}
		if (partition != null && partition >= count) {
			throw new MalformedRequestException("Header " + RequestReplyHeaders.REPLY_PARTITION + " names partition "
					+ partition + ", but topic '" + topic + "' has " + count + " partition(s)");
		}
		return true;
	}

	private int lookUp(String topic) {
		CompletableFuture<Integer> lookup = new CompletableFuture<>();
		CompletableFuture<Integer> running = this.lookups.putIfAbsent(topic, lookup);
		if (running != null) {
			return running.join();
		}
		int count = 0;
		try {
			count = partitionCount(topic);
			if (count == 0) {
				if (this.missingUntil.size() < MAX_REMEMBERED) {
					this.missingUntil.put(topic, System.nanoTime() + MISSING_TTL.toNanos());
				}
			}
			else if (this.partitionCounts.size() < MAX_REMEMBERED) {
				this.partitionCounts.put(topic, count);
			}
			return count;
		}
		finally {
			this.lookups.remove(topic, lookup);
			lookup.complete(count);
		}
	}

	private int partitionCount(String topic) {
		try {
			List<PartitionInfo> partitions = this.template.partitionsFor(topic);
			return (partitions != null) ? partitions.size() : 0;
		}
		catch (TopicAuthorizationException ex) {
			// Not missing, but not ours to describe: the reply is tried, and its failure counted.
			logger.warn(() -> "Reply topic '" + topic + "' cannot be described by this responder (" + ex.getMessage()
					+ "); its replies are sent unchecked, and fail unless its principal may write to it");
			return UNCHECKED;
		}
		catch (RuntimeException ex) {
			logger.warn(() -> "Reply topic '" + topic + "' not found (" + ex.getMessage() + "); requests naming it end"
					+ " without a reply for " + MISSING_TTL.toSeconds() + " s, then it is looked up again");
			return 0;
		}
	}

}
