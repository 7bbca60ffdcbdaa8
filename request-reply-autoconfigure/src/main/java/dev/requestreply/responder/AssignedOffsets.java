package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import dev.requestreply.responder.core.CommitMetadata;
import dev.requestreply.responder.core.StartedOffsets;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import org.springframework.core.log.LogAccessor;

/**
 * Where a handler's group had committed the partitions a consumer was just assigned, read on the
 * consumer's thread in the rebalance callback (one call on the consumer), with what the previous
 * owner's metadata says it had started: logged once, as those requests are run again here.
 */
final class AssignedOffsets {

	private static final LogAccessor logger = new LogAccessor(AssignedOffsets.class);

	private AssignedOffsets() {
	}

	/**
	 * Read the committed offsets of partitions just assigned.
	 * @return them by partition (none for a partition never committed, or when they could not be
	 * read: then records finished before are handled again)
	 */
	static Map<TopicPartition, OffsetAndMetadata> read(Consumer<?, ?> consumer, Collection<TopicPartition> partitions,
			Duration timeout) {
		Map<TopicPartition, OffsetAndMetadata> offsets;
		try {
			offsets = consumer.committed(new HashSet<>(partitions), timeout);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Could not read the committed offsets of " + partitions
					+ "; records finished before are handled again");
			return Map.of();
		}
		List<String> reruns = new ArrayList<>();
		offsets.forEach((partition, offset) -> {
			StartedOffsets marks = (offset != null) ? CommitMetadata.decodeStarted(offset.offset(), offset.metadata())
					: null;
			if (marks != null && marks.offsets().length + marks.unnamed() > 0) {
				reruns.add("partition " + partition + ": " + (marks.offsets().length + marks.unnamed())
						+ ((marks.unnamed() > 0) ? " (" + marks.unnamed() + " not named)" : ""));
			}
		});
		if (!reruns.isEmpty()) {
			logger.info(() -> "Requests the previous owner had started and not finished will run again (counted in "
					+ "reruns as they start): " + String.join(", ", reruns));
		}
		return offsets;
	}

}
