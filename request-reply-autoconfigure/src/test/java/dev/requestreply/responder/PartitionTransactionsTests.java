package dev.requestreply.responder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.CorrelationId;
import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transactions of one partition without a broker: each transaction's producer is a
 * {@link MockProducer}, some of which fail to commit; what a transaction commits is read from
 * the producers' offsets.
 */
class PartitionTransactionsTests {

	private static final String REQUESTS = "orders-requests";

	private final TopicPartition partition = new TopicPartition(REQUESTS, 0);

	private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

	// How many transactions still fail to commit.
	private final AtomicInteger failing = new AtomicInteger();

	private final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();

	private final KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(new MockProducerFactory<>((tx, id) -> {
		MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
				new ByteArraySerializer());
		producer.initTransactions();
		if (this.failing.getAndDecrement() > 0) {
			producer.commitTransactionException = new KafkaException("broker unreachable");
		}
		synchronized (this.producers) {
			this.producers.add(producer);
		}
		return producer;
	}, "replies-"));

	private final ConsumerLedgers owner = new ConsumerLedgers(this.consumer, TestSettings.DEFAULTS,
			new HandlerExecutor(64, Runnable::run, Runnable::run, (request) -> {
			}, () -> {
			}, false), false);

	// Transactions run on the calling thread, and back off for 1 ms.
	private final PartitionTransactions transactions = new PartitionTransactions(this.partition, this.template,
			Runnable::run, 1);

	@Test
	void whenATransactionFailsEveryAttemptThenThePartitionsNextTransactionCommitsPastItsRequest() {
		this.consumer.assign(List.of(this.partition));
		this.owner.assigned(List.of(this.partition));
		InHandRequest lost = request(0);
		InHandRequest next = request(1);
		this.failing.set(PartitionTransactions.ATTEMPTS);
		CompletableFuture<Object> lostCommitted = commit(lost);
		assertThat(lostCommitted).isCompletedExceptionally();
		assertThat(committedOffsets()).isEmpty();
		CompletableFuture<Object> nextCommitted = commit(next);
		assertThat(nextCommitted).isCompleted();
		// The request given up on no longer holds its partition back.
		assertThat(committedOffsets()).last().extracting(OffsetAndMetadata::offset).isEqualTo(2L);
	}

	// Commit a request's reply, and end the request once done, as RequestsInHand does.
	private CompletableFuture<Object> commit(InHandRequest request) {
		CompletableFuture<Object> committed = new CompletableFuture<>();
		committed.whenComplete((result, ex) -> {
			if (!request.keepsUnfinished()) {
				request.ledger().finish(request.record.offset());
			}
		});
		this.transactions.add(new PartitionTransactions.Pending(request, new ProducerRecord<>("app-replies",
				"reply".getBytes(StandardCharsets.UTF_8)), null, committed));
		return committed;
	}

	private InHandRequest request(long offset) {
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(REQUESTS, 0, offset, null,
				"hello".getBytes(StandardCharsets.UTF_8));
		PartitionLedger ledger = this.owner.ledger(this.partition);
		ledger.receive(offset);
		return new InHandRequest(record, this.owner, ledger, new RequestHeaders(CorrelationId.random().toBytes(),
				"app-replies", null, RequestHeaders.NO_DEADLINE, null, false), null, Long.MAX_VALUE);
	}

	// The offsets of this partition that committed transactions sent, in order.
	private List<OffsetAndMetadata> committedOffsets() {
		List<OffsetAndMetadata> offsets = new ArrayList<>();
		synchronized (this.producers) {
			for (MockProducer<byte[], byte[]> producer : this.producers) {
				for (Map<String, Map<TopicPartition, OffsetAndMetadata>> byGroup : producer
					.consumerGroupOffsetsHistory()) {
					byGroup.values().forEach((byPartition) -> offsets.add(byPartition.get(this.partition)));
				}
			}
		}
		return offsets;
	}

}
