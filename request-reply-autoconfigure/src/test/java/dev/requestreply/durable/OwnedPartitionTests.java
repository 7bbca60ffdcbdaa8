package dev.requestreply.durable;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.requestreply.responder.PartitionLedger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the pending reader makes of the records of a pending partition: pending states, their
 * tombstones, and the delivery markers that tell a later owner how many listener calls began.
 */
class OwnedPartitionTests {

	private static final String ID = "6ce245fb-1eee-4337-88e1-7be0a39265eb";

	private final OwnedPartition partition = new OwnedPartition(new TopicPartition("app-durable-pending", 0),
			new PartitionLedger(new TopicPartition("app-durable-replies", 0), null, 4096));

	private long offset;

	@Test
	void whenDeliveryMarkerIsReadThenItCountsTheEarlierCallsAndIsNoPendingRequest() {
		apply(DurableIds.key(ID), new PendingState(1, "report", 1_000, Map.of(), "jobs", 0, 0).toJson());
		apply(DurableIds.deliveryKey(ID), "1".getBytes(StandardCharsets.US_ASCII));
		assertThat(this.partition.earlierDeliveries(ID)).isEqualTo(1);
		assertThat(this.partition.states).containsOnlyKeys(ID);
		apply(DurableIds.deliveryKey(ID), "2".getBytes(StandardCharsets.US_ASCII));
		assertThat(this.partition.earlierDeliveries(ID)).isEqualTo(2);
	}

	@Test
	void whenOutcomeEndsThenItsTombstonesEndStateAndMarker() {
		apply(DurableIds.key(ID), new PendingState(1, "report", 1_000, Map.of(), "jobs", 0, 0).toJson());
		apply(DurableIds.deliveryKey(ID), "1".getBytes(StandardCharsets.US_ASCII));
		apply(DurableIds.key(ID), null);
		apply(DurableIds.deliveryKey(ID), null);
		assertThat(this.partition.states).isEmpty();
		assertThat(this.partition.earlierDeliveries(ID)).isZero();
	}

	@Test
	void whenMarkerIsUnreadableThenNoCallIsKnown() {
		apply(DurableIds.deliveryKey(ID), "one".getBytes(StandardCharsets.US_ASCII));
		assertThat(this.partition.earlierDeliveries(ID)).isZero();
		assertThat(this.partition.states).isEmpty();
	}

	private void apply(byte[] key, byte @Nullable [] value) {
		this.partition.apply(new ConsumerRecord<>("app-durable-pending", 0, this.offset++, key, value));
	}

}
