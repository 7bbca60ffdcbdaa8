package dev.requestreply.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A Kafka broker for running an application in development without a Kafka installation: a
 * single-node KRaft broker started inside the application's process, on a random port, which
 * every Kafka client of the application uses (through Spring Boot's
 * {@link KafkaConnectionDetails}). Nothing starts when {@code spring.kafka.bootstrap-servers} is
 * set: the application then uses that cluster.
 * <p>
 * It belongs in test scope, so that it stays out of the production jar: a test-scoped main class
 * runs the application with it, started by {@code spring-boot:test-run} (Spring Boot's way of
 * running an application with development services):
 * <pre class="code">
 * public class TestGreeterApplication {
 *
 *     public static void main(String[] args) {
 *         SpringApplication.from(GreeterApplication::main).with(DevelopmentKafkaBroker.class).run(args);
 *     }
 *
 * }
 * </pre>
 * Compared with spring-kafka-test's {@link EmbeddedKafkaKraftBroker} on its own:
 * <ul>
 * <li>consumer groups start without the broker's usual rebalance delay, and share groups
 * ({@code @ReplyHandler(queue = true)}) keep their state on the one broker (whose defaults ask for
 * three replicas, so that no record would ever be delivered);</li>
 * <li>the loggers {@code kafka}, {@code org.apache.kafka} and {@code state.change.logger} are set
 * to {@code WARN} unless the application configures them ({@code logging.level.*} or its logging
 * configuration file): a broker start logs over a thousand lines at {@code INFO};</li>
 * <li>Kafka's storage formatting prints nothing to standard output;</li>
 * <li>the broker's temporary directories are deleted once it has stopped, rather than by JVM
 * shutdown hooks of Kafka's test kit that run while it stops, on Ctrl-C, and fill the log with
 * {@code KafkaStorageException}s.</li>
 * </ul>
 * Its address is logged at {@code INFO} ("Started an embedded Kafka broker at localhost:PORT"),
 * so that a second process can join with {@code --spring.kafka.bootstrap-servers=localhost:PORT}.
 * The broker keeps nothing across restarts.
 *
 * @since 0.4.0
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DevelopmentKafkaBroker.NoBootstrapServers.class)
public class DevelopmentKafkaBroker {

	private static final LogAccessor logger = new LogAccessor(DevelopmentKafkaBroker.class);

	private static final List<String> KAFKA_LOGGERS = List.of("kafka", "org.apache.kafka", "state.change.logger");

	@Bean
	EmbeddedKafkaKraftBroker developmentBroker(ObjectProvider<LoggingSystem> loggingSystem) {
		quietKafkaLoggers(loggingSystem.getIfAvailable());
		return new InProcessKafkaBroker();
	}

	/**
	 * Taking the broker as a parameter makes sure it is up before any client starts, and stopped
	 * only after they have closed.
	 */
	@Bean
	KafkaConnectionDetails developmentBrokerConnectionDetails(EmbeddedKafkaKraftBroker developmentBroker) {
		String brokers = developmentBroker.getBrokersAsString();
		logger.info(() -> "Started an embedded Kafka broker at " + brokers
				+ " (spring.kafka.bootstrap-servers is not set)");
		return () -> List.of(brokers.split(","));
	}

	private static void quietKafkaLoggers(@Nullable LoggingSystem loggingSystem) {
		if (loggingSystem == null) {
			return;
		}
		for (String name : KAFKA_LOGGERS) {
			LoggerConfiguration configuration = loggingSystem.getLoggerConfiguration(name);
			if (configuration == null || configuration.getConfiguredLevel() == null) {
				loggingSystem.setLogLevel(name, LogLevel.WARN);
			}
		}
	}

	static class NoBootstrapServers extends NoneNestedConditions {

		NoBootstrapServers() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("spring.kafka.bootstrap-servers")
		static class BootstrapServersSet {

		}

	}

}
