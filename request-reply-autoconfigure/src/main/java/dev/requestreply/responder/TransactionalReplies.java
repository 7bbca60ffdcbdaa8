package dev.requestreply.responder;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Exactly-once replies: a request's last reply (its one reply, or the end of its stream) is sent
 * in a Kafka transaction that also commits its partition's new offset, with the consumer group's
 * metadata, so that a requester reading with {@code read_committed} sees one reply per request
 * and a request is never committed without it. The consumer thread never waits for this: the
 * transactions of a partition run one after the other on a handler thread
 * ({@link PartitionTransactions}), each carrying every reply of the partition that is ready, so
 * that its committed offset never goes back. The elements of a stream are sent in a transaction
 * of their own producer, open from the first element to the end, which commits with the offset.
 */
final class TransactionalReplies implements ReplyWriter {

	private static final LogAccessor logger = new LogAccessor(TransactionalReplies.class);

	private final KafkaTemplate<byte[], byte[]> template;

	private final ProducerFactory<byte[], byte[]> factory;

	private final Executor executor;

	private final Map<TopicPartition, PartitionTransactions> partitions = new ConcurrentHashMap<>();

	private final Map<InHandRequest, Producer<byte[], byte[]>> streams = new ConcurrentHashMap<>();

	/**
	 * @param template a template of the transactional producer factory (observed when requests
	 * are)
	 * @param executor the handler threads the transactions run on
	 */
	TransactionalReplies(KafkaTemplate<byte[], byte[]> template, Executor executor) {
		this.template = template;
		this.factory = template.getProducerFactory();
		this.executor = executor;
	}

	@Override
	public CompletableFuture<?> write(InHandRequest request, ProducerRecord<byte[], byte[]> reply, boolean last) {
		if (!last) {
			CompletableFuture<Object> sent = new CompletableFuture<>();
			Producer<byte[], byte[]> producer = this.streams.computeIfAbsent(request, (streaming) -> begin());
			producer.send(reply, (metadata, ex) -> {
				if (ex != null) {
					sent.completeExceptionally(ex);
				}
				else {
					sent.complete(metadata);
				}
			});
			return sent;
		}
		CompletableFuture<Object> committed = new CompletableFuture<>();
		Producer<byte[], byte[]> stream = this.streams.remove(request);
		this.partitions
			.computeIfAbsent(request.ledger().partition(),
					(partition) -> new PartitionTransactions(partition, this.template, this.executor))
			.add(new PartitionTransactions.Pending(request, reply, stream, committed));
		return committed;
	}

	@Override
	public void discard(InHandRequest request) {
		Producer<byte[], byte[]> stream = this.streams.remove(request);
		if (stream != null) {
			this.executor.execute(() -> PartitionTransactions.abort(stream));
		}
	}

	private Producer<byte[], byte[]> begin() {
		Producer<byte[], byte[]> producer = this.factory.createProducer();
		try {
			producer.beginTransaction();
			return producer;
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not begin the transaction of a stream");
			PartitionTransactions.abort(producer);
			throw ex;
		}
	}

}
