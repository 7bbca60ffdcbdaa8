package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.requestreply.handler.ReplyHandlerContainers;
import org.awaitility.Awaitility;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts real Spring Boot applications (no web server) against the test broker.
 */
public final class TestApps {

	private TestApps() {
	}

	public static ConfigurableApplicationContext start(Class<?>[] sources, String... properties) {
		return start(TestBroker.bootstrapServers(), sources, properties);
	}

	/**
	 * Start an application against the given brokers rather than the shared test broker.
	 */
	public static ConfigurableApplicationContext start(String bootstrapServers, Class<?>[] sources,
			String... properties) {
		List<String> all = new ArrayList<>();
		all.add("spring.kafka.bootstrap-servers=" + bootstrapServers);
		all.add("spring.main.banner-mode=off");
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(sources).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run();
	}

	/**
	 * Start a requester without handlers on the given reply topic, against the given brokers.
	 */
	public static ConfigurableApplicationContext startRequester(String bootstrapServers, String application,
			String replyTopic, String... more) {
		List<String> properties = new ArrayList<>(List.of("spring.application.name=" + application,
				"request-reply.reply-topic=" + replyTopic, "request-reply.handler.enabled=false"));
		properties.addAll(List.of(more));
		return start(bootstrapServers, new Class<?>[] { TestResponders.RequesterApp.class },
				properties.toArray(String[]::new));
	}

	/**
	 * Start an application and wait until each of its handlers has partitions assigned.
	 */
	public static ConfigurableApplicationContext startAssigned(Class<?>[] sources, String... properties) {
		ConfigurableApplicationContext context = start(sources, properties);
		awaitHandlersAssigned(context);
		return context;
	}

	/**
	 * Start an application against the given brokers and wait until each of its handlers has
	 * partitions assigned.
	 */
	public static ConfigurableApplicationContext startAssigned(String bootstrapServers, Class<?>[] sources,
			String... properties) {
		ConfigurableApplicationContext context = start(bootstrapServers, sources, properties);
		awaitHandlersAssigned(context);
		return context;
	}

	/**
	 * Return how many partitions the handlers of an application have assigned.
	 */
	public static int assignedPartitions(ConfigurableApplicationContext context) {
		return context.getBean(ReplyHandlerContainers.class)
			.getContainers()
			.stream()
			.mapToInt((container) -> (container.getAssignedPartitions() != null)
					? container.getAssignedPartitions().size() : 0)
			.sum();
	}

	public static void awaitHandlersAssigned(ConfigurableApplicationContext context) {
		ReplyHandlerContainers containers = context.getBean(ReplyHandlerContainers.class);
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> containers.getContainers()
				.stream()
				.allMatch((container) -> container.getAssignedPartitions() != null
						&& !container.getAssignedPartitions().isEmpty()));
	}

}
