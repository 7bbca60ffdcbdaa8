package dev.requestreply.responder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The configuration of a queue handler's share consumers, derived from its consumer group's (so
 * that {@code spring.kafka.*}, SSL and SASL included, and the handler consumer properties apply)
 * without the settings the share client refuses: a share group has no offsets to reset or
 * commit, no assignment strategy, no static membership, and the broker owns its session.
 */
final class ShareClientConfig {

	/**
	 * Consumer settings the share client rejects.
	 */
	static final List<String> UNSUPPORTED = List.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
			ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
			ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
			ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
			ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG,
			ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG);

	private ShareClientConfig() {
	}

	/**
	 * Return the configuration of one share consumer.
	 * @param consumerConfig the handler consumers' configuration
	 * @param groupId the share group
	 * @param clientId the client id
	 * @param maxRecords the most records one poll acquires
	 * @return the configuration
	 */
	static Map<String, Object> of(Map<String, Object> consumerConfig, String groupId, String clientId,
			int maxRecords) {
		Map<String, Object> config = new HashMap<>(consumerConfig);
		UNSUPPORTED.forEach(config::remove);
		config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
		config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		// Each request acknowledged on its own, when it ended.
		config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
		// No more acquired than there are threads for: no request ages on its lock in a queue.
		config.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
		config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxRecords);
		return config;
	}

}
