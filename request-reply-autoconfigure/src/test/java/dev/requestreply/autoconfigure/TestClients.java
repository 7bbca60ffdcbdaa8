package dev.requestreply.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import org.springframework.context.ApplicationContext;

/**
 * Reaches the library's own Kafka clients of an application, for tests only.
 */
public final class TestClients {

	private TestClients() {
	}

	/**
	 * Wait until every record the library's producer accepted was sent and acknowledged.
	 */
	public static void flushProducer(ApplicationContext context) {
		context.getBean(RequestReplyKafkaClients.class).getKafkaTemplate().flush();
	}

	/**
	 * Return the configuration the library gives a handler's consumer (its group settings and
	 * defaults), as its consumer factory would hold it, for a test's own consumer.
	 * @param bootstrapServers the brokers
	 * @param group the consumer group (set by the handler's container in the library)
	 * @param handlerConsumerProperties as {@code request-reply.handler.consumer-properties.*}
	 * @return the consumer configuration
	 */
	public static Map<String, Object> handlerConsumerConfig(String bootstrapServers, String group,
			Map<String, String> handlerConsumerProperties) {
		RequestReplyProperties properties = new RequestReplyProperties();
		properties.getHandler().getConsumerProperties().putAll(handlerConsumerProperties);
		Map<String, Object> config = new HashMap<>(RequestReplyKafkaClients
			.handlerConsumerConfig(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), properties));
		config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		return config;
	}

}
