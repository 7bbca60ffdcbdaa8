package dev.requestreply.autoconfigure;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class HandlerConsumerDefaultsTests {

	@Test
	void whenNothingIsSetThenHandlersDetectACrashedMemberWithinSixSeconds() {
		Map<String, Object> config = RequestReplyKafkaClients.handlerConsumerConfig(Map.of(), properties(Map.of()));
		assertThat(config).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000)
			.containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000)
			.containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
					CooperativeStickyAssignor.class.getName());
	}

	@Test
	void whenSpringKafkaConsumerPropertiesSetThemThenTheyWin() {
		Map<String, Object> config = RequestReplyKafkaClients.handlerConsumerConfig(
				Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000",
						ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName()),
				properties(Map.of()));
		assertThat(config).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000")
			.containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000)
			.containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
	}

	@Test
	void whenHandlerConsumerPropertiesSetThemThenTheyWinOverSpringKafka() {
		Map<String, Object> config = RequestReplyKafkaClients.handlerConsumerConfig(
				Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000"),
				properties(Map.of("request-reply.handler.consumer-properties.session.timeout.ms", "10000",
						"request-reply.handler.consumer-properties.heartbeat.interval.ms", "3000")));
		assertThat(config).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000")
			.containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
	}

	@Test
	void whenTheConsumerGroupProtocolIsUsedThenNoClassicSettingIsAdded() {
		for (Map<String, Object> config : List.of(
				RequestReplyKafkaClients.handlerConsumerConfig(Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"),
						properties(Map.of())),
				RequestReplyKafkaClients.handlerConsumerConfig(Map.of(), properties(
						Map.of("request-reply.handler.consumer-properties.group.protocol", "CONSUMER"))))) {
			// The KIP-848 consumer refuses these: the broker owns the session and the assignment.
			assertThat(config).doesNotContainKeys(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
					ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
		}
		assertThat(RequestReplyKafkaClients.handlerConsumerConfig(Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic"),
				properties(Map.of()))).containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
	}

	@Test
	void whenTheReplyConsumerIsConfiguredThenItGetsNoGroupSettings() {
		Map<String, Object> config = RequestReplyKafkaClients.replyConsumerConfig(Map.of(), properties(Map.of()));
		assertThat(config).doesNotContainKeys(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
				ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
	}

	@Test
	void whenAGroupInstanceIdIsSetThenHandlersAreStaticMembersElseNever() {
		Map<String, Object> base = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "application-consumers");
		// Spring Kafka's own setting is meant for the application's listeners, not the handlers.
		assertThat(RequestReplyKafkaClients.handlerConsumerConfig(base, properties(Map.of())))
			.doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
		assertThat(RequestReplyKafkaClients.handlerConsumerConfig(base,
				properties(Map.of("request-reply.handler.group-instance-id", "pricing-7"))))
			.containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "pricing-7");
	}

	private static RequestReplyProperties properties(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("request-reply",
				RequestReplyProperties.class);
	}

}
