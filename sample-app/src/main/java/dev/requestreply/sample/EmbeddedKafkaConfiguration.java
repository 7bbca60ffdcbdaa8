package dev.requestreply.sample;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.common.utils.Exit;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Starts a single-node KRaft broker inside this process when {@code spring.kafka.bootstrap-servers}
 * is not set, so that the sample runs without a Kafka installation. With the property set, the
 * sample uses that cluster and starts nothing.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedKafkaConfiguration.NoKafkaClusterConfigured.class)
class EmbeddedKafkaConfiguration {

	private static final Log logger = LogFactory.getLog(EmbeddedKafkaConfiguration.class);

	/**
	 * The broker listens on a random port (the KRaft broker ignores {@code kafkaPorts(...)}); the
	 * log line below names it, so that a second process can join with
	 * {@code --spring.kafka.bootstrap-servers=localhost:PORT}.
	 */
	@Bean
	EmbeddedKafkaKraftBroker embeddedKafkaBroker() {
		EmbeddedKafkaKraftBroker broker = new InProcessBroker();
		// A private name: the default one would be picked up by Spring Kafka's test support.
		broker.brokerListProperty("sample.embedded-kafka.brokers");
		// Serve the first requests at once rather than after the broker's 3 s rebalance delay.
		broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
		// Share groups (--request-reply.handler.queue=true) keep their state on this one broker.
		broker.brokerProperty("share.coordinator.state.topic.replication.factor", "1");
		broker.brokerProperty("share.coordinator.state.topic.min.isr", "1");
		return broker;
	}

	/**
	 * Point Spring Boot's Kafka clients at the embedded broker. Taking the broker as a parameter
	 * makes sure it is up before any client starts, and stopped only after they have closed.
	 */
	@Bean
	KafkaConnectionDetails embeddedKafkaConnectionDetails(EmbeddedKafkaKraftBroker broker) {
		String brokers = broker.getBrokersAsString();
		logger.info("Started an embedded Kafka broker at " + brokers
				+ " (spring.kafka.bootstrap-servers is not set)");
		return () -> List.of(brokers.split(","));
	}

	/**
	 * Kafka's test kit deletes its temporary directories in JVM shutdown hooks of its own. On
	 * Ctrl-C those run alongside Spring's, pulling the log directories from under the broker while
	 * it stops (stack traces of {@code KafkaStorageException}); this broker runs them once it has
	 * stopped instead.
	 */
	static class InProcessBroker extends EmbeddedKafkaKraftBroker {

		private final List<Runnable> cleanups = new CopyOnWriteArrayList<>();

		InProcessBroker() {
			super(1, 1);
		}

		@Override
		public void afterPropertiesSet() {
			Exit.setShutdownHookAdder((name, cleanup) -> this.cleanups.add(cleanup));
			try {
				super.afterPropertiesSet();
			}
			finally {
				Exit.resetShutdownHookAdder();
			}
		}

		@Override
		public void destroy() {
			super.destroy();
			this.cleanups.forEach(Runnable::run);
		}

	}

	static class NoKafkaClusterConfigured extends NoneNestedConditions {

		NoKafkaClusterConfigured() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("spring.kafka.bootstrap-servers")
		static class BootstrapServersSet {

		}

	}

}
