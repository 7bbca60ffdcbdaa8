package dev.requestreply.responder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.requestreply.ReplyHandler;
import dev.requestreply.responder.core.Partition;
import dev.requestreply.responder.core.RecordedReplay;
import dev.requestreply.responder.core.ResponderEvent;
import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler replying in transactions, without a broker: its core decides its requests (lanes,
 * endings) as without transactions, and each reply goes in a transaction of its partition that
 * commits the partition's offset.
 */
class TransactionalEngineTests {

	private final GatedCalls calls = new GatedCalls();

	private TestEngine engine;

	@AfterEach
	void stop() {
		if (this.engine != null) {
			this.engine.close();
		}
	}

	@Test
	void whenRepliesGoInTransactionsThenItsCoreDecidesEachRequestAndEachReplyCommitsWithItsPartitionsOffset() {
		this.engine = TestEngine.serveInTransactions(this.calls, "work", ReplyHandler.Ordering.KEY);
		HandlerCore core = this.engine.handler.core();
		assertThat(core).as("the core of a handler replying in transactions").isNotNull();
		List<ResponderEvent> events = new CopyOnWriteArrayList<>();
		for (int partition = 0; partition < 2; partition++) {
			events.add(new ResponderEvent.Assigned(new Partition(TestEngine.REQUESTS, partition), -1, null));
		}
		core.loop().recordTo(events::add);
		ConsumerRecord<byte[], byte[]> cancelled = this.engine.request(0, "k", "a", RequestHeaders.NO_DEADLINE);
		this.engine.deliver(cancelled, this.engine.request(0, "k", "b", RequestHeaders.NO_DEADLINE),
				this.engine.request(1, "j", "c", RequestHeaders.NO_DEADLINE));
		TestEngine.waiting().until(() -> this.calls.started("a"));
		// Its lane holds b behind a, which its requester cancels.
		assertThat(this.calls.started("b")).isFalse();
		this.engine.cancel(cancelled);
		this.calls.open("b");
		this.calls.open("c");
		TestEngine.waiting().until(() -> this.engine.inHand() == 0);
		assertThat(this.calls.cancelledWhenInterrupted).containsEntry("a", true);
		// One reply per request answered, each committed with its partition's offset past it.
		assertThat(this.engine.transactions).flatExtracting(MockProducer::history)
			.extracting((reply) -> new String(reply.value()))
			.containsExactlyInAnyOrder("b", "c");
		assertThat(lastCommitted()).containsEntry(new TopicPartition(TestEngine.REQUESTS, 0), 3L)
			.containsEntry(new TopicPartition(TestEngine.REQUESTS, 1), 1L);
		assertThat(RecordedReplay.replay(ReplyHandler.Ordering.KEY, core.maxMetadataChars(), List.copyOf(events)))
			.isPositive();
	}

	@Test
	void whenAPartitionIsRevokedWhileItsRequestRunsThenItsCoreLeavesItToTheNextOwnerAndNoTransactionCommitsIt() {
		this.engine = TestEngine.serveInTransactions(this.calls, "work", ReplyHandler.Ordering.KEY);
		this.engine.deliver(this.engine.request(0, "k", "a", RequestHeaders.NO_DEADLINE));
		TestEngine.waiting().until(() -> this.calls.started("a"));
		TopicPartition lost = new TopicPartition(TestEngine.REQUESTS, 0);
		// As spring-kafka calls them: the partitions lost, then the same ones revoked.
		this.engine.handler.pump().onPartitionsLost(this.engine.consumer, List.of(lost));
		this.engine.handler.pump().onPartitionsRevokedBeforeCommit(this.engine.consumer, List.of(lost));
		TestEngine.waiting().until(() -> this.calls.log.contains("end a"));
		assertThat(this.calls.cancelledWhenInterrupted).containsEntry("a", true);
		assertThat(this.engine.inHand()).isZero();
		assertThat(lastCommitted()).isEmpty();
		assertThat(this.engine.handler.stats().revokeCancelled()).isOne();
	}

	// The last offset the committed transactions committed, by partition.
	private Map<TopicPartition, Long> lastCommitted() {
		Map<TopicPartition, Long> committed = new HashMap<>();
		for (MockProducer<byte[], byte[]> producer : new ArrayList<>(this.engine.transactions)) {
			for (Map<String, Map<TopicPartition, OffsetAndMetadata>> byGroup : producer.consumerGroupOffsetsHistory()) {
				byGroup.values()
					.forEach((offsets) -> offsets
						.forEach((partition, offset) -> committed.merge(partition, offset.offset(), Math::max)));
			}
		}
		return committed;
	}

}
