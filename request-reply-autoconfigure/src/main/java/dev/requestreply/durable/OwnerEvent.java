package dev.requestreply.durable;

import java.util.Collection;
import java.util.Map;

import dev.requestreply.responder.PartitionLedger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * What the pending reader is told, in its inbox: partitions assigned and revoked by the durable
 * reply topic's consumer group, replies read, outcomes ended.
 */
sealed interface OwnerEvent {

	/**
	 * Partitions assigned.
	 *
	 * @param ledgers the reply consumer's ledger of each partition for this assignment
	 */
	record Assigned(Map<Integer, PartitionLedger> ledgers) implements OwnerEvent {

	}

	record Revoked(Collection<Integer> partitions) implements OwnerEvent {

	}

	record Ended(int partition, String id) implements OwnerEvent {

	}

	static final class Reply implements OwnerEvent {

		final int partition;

		final ConsumerRecord<byte[], byte[]> record;

		final PartitionLedger ledger;

		final @Nullable String id;

		// Whether this is no reply but a cancel marker of request id, from cancelDurable.
		final boolean cancel;

		// The pending partition's end when this reply's id was first found unknown; -1 before.
		long catchUpEnd = -1;

		Reply(ConsumerRecord<byte[], byte[]> record, PartitionLedger ledger, @Nullable String id, boolean cancel) {
			this.partition = record.partition();
			this.record = record;
			this.ledger = ledger;
			this.id = id;
			this.cancel = cancel;
		}

	}

}
