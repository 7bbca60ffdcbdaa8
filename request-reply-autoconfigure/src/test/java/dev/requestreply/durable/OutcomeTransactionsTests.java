package dev.requestreply.durable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestBroker;
import dev.requestreply.responder.PartitionLedger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One attempt at an outcome is one transaction: the listener's sends through the application's
 * template, the tombstone and the reply's offset commit together, or none of them does.
 */
class OutcomeTransactionsTests {

	private static DefaultKafkaProducerFactory<String, String> applicationFactory;

	private static KafkaTemplate<String, String> applicationTemplate;

	private static DurableSettings settings;

	private static String audit;

	private static OutcomeTransactions transactions;

	@BeforeAll
	static void start() {
		applicationFactory = new DefaultKafkaProducerFactory<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers()),
				new StringSerializer(), new StringSerializer());
		applicationFactory.setTransactionIdPrefix(TestBroker.uniqueTopic("outcome-tx") + "-");
		applicationTemplate = new KafkaTemplate<>(applicationFactory);
		settings = new DurableSettings(TestBroker.createTopic("outcome-tx-replies", 1),
				TestBroker.createTopic("outcome-tx-pending", 1), TestBroker.uniqueTopic("outcome-tx-group"), false,
				1, (short) -1, Duration.ofMinutes(1), Duration.ofSeconds(30), Map.of());
		audit = TestBroker.createTopic("outcome-tx-audit", 1);
		transactions = new OutcomeTransactions(applicationFactory, settings);
	}

	@AfterAll
	static void stop() {
		transactions.close();
		applicationFactory.destroy();
	}

	@Test
	void whenTheListenerSendsThroughTheApplicationsTemplateThenItsRecordTheTombstoneAndTheOffsetCommitTogether()
			throws Exception {
		Owner owner = new Owner(settings.replyTopic());
		transactions.ownedBy(owner);
		PartitionLedger ledger = owner.current;
		ledger.receive(0);
		OutcomeTransactions.Attempt attempt = transactions.attempt("committed-id", 0, ledger, 0,
				() -> applicationTemplate.send(audit, "committed-id", "Replied"));
		assertThat(attempt.ending()).isEqualTo(OutcomeTransactions.Ending.COMMITTED);
		assertThat(keys(TestBroker.readCommitted(audit))).contains("committed-id");
		assertThat(TestBroker.readCommitted(settings.pendingTopic())).anySatisfy((record) -> {
			assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("committed-id");
			assertThat(record.value()).isNull();
		});
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
				TestBroker.bootstrapServers()))) {
			Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(settings.groupId())
				.partitionsToOffsetAndMetadata()
				.get(10, TimeUnit.SECONDS);
			assertThat(committed.get(new TopicPartition(settings.replyTopic(), 0)).offset()).isOne();
		}
	}

	@Test
	void whenThePartitionMovesWhileTheListenerRunsThenNothingOfTheOutcomeIsCommitted() throws Exception {
		Owner owner = new Owner(settings.replyTopic());
		transactions.ownedBy(owner);
		PartitionLedger ledger = owner.current;
		ledger.receive(0);
		OutcomeTransactions.Attempt attempt = transactions.attempt("moved-id", 0, ledger, 0, () -> {
			applicationTemplate.send(audit, "moved-id", "Replied").get(10, TimeUnit.SECONDS);
			// A rebalance gives the partition to another owner while the listener runs.
			owner.current = new PartitionLedger(new TopicPartition(settings.replyTopic(), 0), null, 4000);
		});
		assertThat(attempt.ending()).isEqualTo(OutcomeTransactions.Ending.MOVED);
		assertThat(keys(TestBroker.readAll(audit))).contains("moved-id");
		assertThat(keys(TestBroker.readCommitted(audit))).doesNotContain("moved-id");
		assertThat(keys(TestBroker.readCommitted(settings.pendingTopic()))).doesNotContain("moved-id");
	}

	private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
		return records.stream().map((record) -> new String(record.key(), StandardCharsets.UTF_8)).toList();
	}

	static final class Owner implements OutcomeTransactions.Owner {

		volatile PartitionLedger current;

		private final String topic;

		Owner(String topic) {
			this.topic = topic;
			this.current = new PartitionLedger(new TopicPartition(topic, 0), null, 4000);
		}

		@Override
		public @Nullable PartitionLedger ledger(int partition) {
			return this.current;
		}

		@Override
		public ConsumerGroupMetadata groupMetadata() {
			return new ConsumerGroupMetadata(settings.groupId());
		}

		@Override
		public long readTo(int partition) {
			return 1;
		}

	}

}
