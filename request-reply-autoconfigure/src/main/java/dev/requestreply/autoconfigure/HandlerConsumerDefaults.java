package dev.requestreply.autoconfigure;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.GroupProtocol;

/**
 * The settings request-reply gives the handlers' consumers unless the user set them (through
 * {@code spring.kafka.consumer.properties.*} or {@code request-reply.handler.consumer-properties.*}):
 * chosen so that a responder that dies without leaving its group (a crash, an OOM kill, a lost
 * node) hands its partitions over in seconds rather than after Kafka's default session of 45 s,
 * longer than a typical request timeout.
 */
final class HandlerConsumerDefaults {

	/**
	 * The group coordinator declares a member dead after this long without a heartbeat. 6 s is the
	 * broker's default {@code group.min.session.timeout.ms}, so the shortest a default broker
	 * accepts; Kafka's client default is 45 s.
	 */
	static final int SESSION_TIMEOUT_MS = 6_000;

	/**
	 * A third of the session, as Kafka advises; the survivors also learn of the rebalance through
	 * their next heartbeat, so this bounds part of the hand-over too. Kafka's default is 3 s.
	 */
	static final int HEARTBEAT_INTERVAL_MS = 2_000;

	/**
	 * Cooperative rebalancing: the survivors keep serving their own partitions while the dead
	 * member's are handed out, instead of all members revoking everything first. Kafka's default
	 * lists the range assignor first and this one second, so instances of an earlier version
	 * still agree on it during a rolling upgrade.
	 */
	static final String PARTITION_ASSIGNMENT_STRATEGY = CooperativeStickyAssignor.class.getName();

	private HandlerConsumerDefaults() {
	}

	/**
	 * Add the defaults that the given configuration does not set, for the classic group protocol
	 * only: under {@code group.protocol=consumer} (KIP-848) the broker owns the session and the
	 * assignment, and the consumer refuses these settings.
	 * @param config the consumer configuration, changed in place
	 */
	static void applyTo(Map<String, Object> config) {
		Object protocol = config.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
		if (protocol != null && !GroupProtocol.CLASSIC.name().equalsIgnoreCase(protocol.toString().trim())) {
			return;
		}
		config.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
		config.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
		config.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, PARTITION_ASSIGNMENT_STRATEGY);
	}

}
