package dev.requestreply.responder;

import java.util.List;
import java.util.Map;

import org.springframework.util.ClassUtils;

/**
 * Whether queue mode can run here, and the way to its classes: those that use the share-group API
 * of Kafka clients 4.2 are reached through here only once a handler asks for queue mode, so that
 * an application on Spring Boot 4.0 (Kafka clients 4.1) never loads them.
 */
final class QueueMode {

	/**
	 * The start of every message refusing queue mode.
	 */
	static final String NEEDS = "Queue mode (@ReplyHandler(queue = true), request-reply.handler.queue) needs "
			+ "Kafka share groups: Kafka clients 4.2 or later (Spring Boot 4.1 or later) and brokers 4.2 or later.";

	// Public API that Kafka clients 4.2 added along with the share acquisition and renewal used here.
	private static final String KAFKA_4_2_CLASS = "org.apache.kafka.clients.admin.SharePartitionOffsetInfo";

	private QueueMode() {
	}

	/**
	 * Fail unless the Kafka clients on the class path have what queue mode uses.
	 * @param handlers the handlers in queue mode, for the message
	 * @param classLoader the class loader to look in
	 */
	static void requireClients(List<String> handlers, ClassLoader classLoader) {
		if (!ClassUtils.isPresent(KAFKA_4_2_CLASS, classLoader)) {
			throw new IllegalStateException(NEEDS + " @ReplyHandler " + handlers + " run(s) in queue mode, but the "
					+ "Kafka clients on the class path are older than 4.2. Upgrade to Spring Boot 4.1, or set "
					+ "queue = false / request-reply.handler.queue=false");
		}
	}

	/**
	 * Return the share consumers of a queue handler.
	 */
	static ShareIntake intake(String handlerId, List<String> topics, Map<String, Object> consumerConfig,
			String groupId, int consumers, int maxConcurrency, ShareParts parts) {
		return new ShareConsumers(handlerId, topics, consumerConfig, groupId, consumers, maxConcurrency, parts);
	}

	/**
	 * Return the cluster check and share group set-up.
	 */
	static ShareGroupSetup setup(Map<String, Object> adminConfig) {
		return new ShareGroupSetup(adminConfig);
	}

}
