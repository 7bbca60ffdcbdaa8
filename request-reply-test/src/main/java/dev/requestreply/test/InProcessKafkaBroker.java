package dev.requestreply.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.utils.Exit;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The broker of {@link DevelopmentKafkaBroker}: one node, settings for request-reply, and a start
 * and stop that suit an application's process rather than a test's.
 */
final class InProcessKafkaBroker extends EmbeddedKafkaKraftBroker {

	private static final LogAccessor logger = new LogAccessor(InProcessKafkaBroker.class);

	private final List<Runnable> cleanups = new CopyOnWriteArrayList<>();

	InProcessKafkaBroker() {
		super(1, 1);
		// A private name: the default one (spring.kafka.bootstrap-servers, as a system property) would
		// outlive this broker, and an application restarted in the same JVM would find it set.
		brokerListProperty("dev.requestreply.development-broker.brokers");
		// Serve the first requests at once rather than after the broker's 3 s rebalance delay.
		brokerProperty("group.initial.rebalance.delay.ms", "0");
		// Share groups keep their state on this one broker (the defaults ask for 3 replicas and 2 in sync).
		brokerProperty("share.coordinator.state.topic.replication.factor", "1");
		brokerProperty("share.coordinator.state.topic.min.isr", "1");
	}

	/**
	 * Kafka's test kit deletes its temporary directories in JVM shutdown hooks of its own. On
	 * Ctrl-C those run alongside Spring's, pulling the log directories from under the broker while
	 * it stops; this broker collects them and runs them once it has stopped instead (or, if it
	 * could not start, and so will not be stopped, leaves them to the JVM's shutdown as before).
	 */
	@Override
	public void afterPropertiesSet() {
		Exit.setShutdownHookAdder((name, cleanup) -> this.cleanups.add(cleanup));
		try {
			StorageFormattingOutput.silenced(super::afterPropertiesSet);
		}
		catch (RuntimeException ex) {
			this.cleanups.forEach((cleanup) -> Runtime.getRuntime().addShutdownHook(new Thread(cleanup)));
			this.cleanups.clear();
			throw ex;
		}
		finally {
			Exit.resetShutdownHookAdder();
		}
	}

	@Override
	public void destroy() {
		try {
			super.destroy();
		}
		finally {
			for (Runnable cleanup : this.cleanups) {
				try {
					cleanup.run();
				}
				catch (RuntimeException ex) {
					logger.debug(ex, "Could not delete a temporary directory of the embedded Kafka broker");
				}
			}
		}
	}

}
