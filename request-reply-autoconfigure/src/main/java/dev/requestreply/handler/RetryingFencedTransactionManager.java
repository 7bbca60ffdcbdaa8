package dev.requestreply.handler;

import org.apache.kafka.common.errors.ProducerFencedException;

import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.transaction.KafkaTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * A Kafka transaction manager whose fenced transactions fail like any other. A listener container
 * takes a fenced producer for a sign that another consumer owns the partition now, and moves on
 * without trying the record again; a reply producer is fenced when another producer took its
 * transactional id, while this consumer still owns the request, which would then go unanswered.
 * Reported as a {@link KafkaException}, the failure rolls back and the request is tried again with
 * a new producer (the fenced one is closed by its factory).
 */
final class RetryingFencedTransactionManager extends KafkaTransactionManager<byte[], byte[]> {

	RetryingFencedTransactionManager(ProducerFactory<byte[], byte[]> producerFactory) {
		super(producerFactory);
	}

	@Override
	protected void doCommit(DefaultTransactionStatus status) {
		try {
			super.doCommit(status);
		}
		catch (ProducerFencedException ex) {
			throw fenced(ex);
		}
	}

	@Override
	protected void doRollback(DefaultTransactionStatus status) {
		try {
			super.doRollback(status);
		}
		catch (ProducerFencedException ex) {
			throw fenced(ex);
		}
	}

	private static KafkaException fenced(ProducerFencedException ex) {
		return new KafkaException("Reply producer fenced: another producer took its transactional id (is "
				+ "spring.kafka.producer.transaction-id-prefix unique per instance?); the request is tried again", ex);
	}

}
