package dev.requestreply.autoconfigure;

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

}
