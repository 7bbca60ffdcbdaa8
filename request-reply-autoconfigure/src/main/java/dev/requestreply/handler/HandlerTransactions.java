package dev.requestreply.handler;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.util.Assert;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Exactly-once replies: each handler's container runs every request in a Kafka transaction of a
 * transactional producer, in which the reply is sent and the request's offset committed (with the
 * consumer group's metadata), so that a requester reading with {@code read_committed} sees one
 * reply per request. A transaction that fails to commit (a fenced producer, an unreachable
 * broker) is rolled back and the request delivered again; after {@link #ATTEMPTS} attempts it is
 * answered with an error reply in a transaction of its own, and retried again while even that
 * cannot be committed.
 * <p>
 * In this mode each consumer thread handles one request at a time: the reply of a handler that
 * returns a {@code CompletionStage} or a {@code Flow.Publisher} is awaited on that thread (at most
 * until the request's deadline, at most {@link #MAX_WAIT}), and acknowledgments are neither
 * asynchronous nor coalesced.
 *
 * @since 0.2.0
 */
public final class HandlerTransactions {

	/**
	 * Longest time a transaction waits for a handler's result; below the producer's default
	 * {@code transaction.timeout.ms} of 60 s, after which the broker aborts the transaction.
	 */
	public static final Duration MAX_WAIT = Duration.ofSeconds(30);

	/**
	 * Attempts at a request whose transaction fails before it is answered with an error reply.
	 */
	public static final int ATTEMPTS = 10;

	private static final long RETRY_INTERVAL_MILLIS = 500;

	private static final LogAccessor logger = new LogAccessor(HandlerTransactions.class);

	private static final Acknowledgment COMMITTED_BY_TRANSACTION = () -> {
	};

	private final KafkaTemplate<byte[], byte[]> template;

	private final RetryingFencedTransactionManager transactionManager;

	/**
	 * Create the transactions of the handlers.
	 * @param producerFactory a factory of transactional producers (with a transaction id prefix of
	 * its own)
	 */
	public HandlerTransactions(ProducerFactory<byte[], byte[]> producerFactory) {
		Assert.notNull(producerFactory, "'producerFactory' must not be null");
		Assert.isTrue(producerFactory.transactionCapable(), "'producerFactory' must be transactional");
		this.template = new KafkaTemplate<>(producerFactory);
		this.transactionManager = new RetryingFencedTransactionManager(producerFactory);
	}

	/**
	 * Return the template that sends the replies, inside the containers' transactions.
	 * @return the transactional template
	 */
	public KafkaTemplate<byte[], byte[]> getTemplate() {
		return this.template;
	}

	/**
	 * Make a handler's container run each request in a transaction.
	 */
	void configure(ConcurrentMessageListenerContainer<byte[], byte[]> container, ReplySender sender,
			ReplyHandlerPolicy policy) {
		ContainerProperties properties = container.getContainerProperties();
		// With a transaction manager, the container sends a record's offset to its transaction
		// once the listener returned.
		properties.setAckMode(AckMode.RECORD);
		properties.setAsyncAcks(false);
		properties.setKafkaAwareTransactionManager(this.transactionManager);
		container.setAfterRollbackProcessor(new DefaultAfterRollbackProcessor<>(
				(record, ex) -> answerWithError(record, ex, sender, policy),
				new FixedBackOff(RETRY_INTERVAL_MILLIS, ATTEMPTS - 1), this.template, true));
	}

	/**
	 * Return the container's listener: the handler's, acknowledged by the transaction's commit.
	 */
	static MessageListener<byte[], byte[]> listener(ReplyHandlerListener handler) {
		return (request) -> handler.onMessage(request, COMMITTED_BY_TRANSACTION);
	}

	/**
	 * Runs in the transaction that commits the request's offset: throwing here makes the request
	 * be tried again rather than committed without a reply.
	 */
	private static void answerWithError(ConsumerRecord<?, ?> record, Exception ex, ReplySender sender,
			ReplyHandlerPolicy policy) {
		RequestHeaders headers;
		try {
			headers = WireFormat.readRequest(record.headers(), policy.maxCorrelationIdBytes());
		}
		catch (RuntimeException unreadable) {
			logger.warn(ex, () -> "Giving up on request at " + record.topic() + "-" + record.partition() + "@"
					+ record.offset() + " after " + ATTEMPTS + " failed transactions; it names no reply address");
			return;
		}
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
		logger.warn(ex, () -> "Answering request at " + record.topic() + "-" + record.partition() + "@"
				+ record.offset() + " with an error reply after " + ATTEMPTS + " failed transactions");
		ReplyAddress address = new ReplyAddress(headers, (byte[]) record.key(), record.topic(), System.nanoTime(),
				null);
		try {
			sender.reply(address, null, cause, () -> {
			}).get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception failed) {
			throw new IllegalStateException("Could not send the error reply; the request will be tried again",
					failed);
		}
	}

}
