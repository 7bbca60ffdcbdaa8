package dev.requestreply;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import dev.requestreply.handler.ReplyHandlerContainers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts real Spring Boot applications (no web server) against the shared test broker or given
 * brokers, and closes every one it started, newest first, whatever the tests' outcome: those
 * started by a test after that test, those started in {@code @BeforeAll} after the class. Other
 * resources handed to {@link #closing(AutoCloseable)} are closed with them. Register it with
 * {@code @RegisterExtension static final TestApps apps = new TestApps();}.
 */
public final class TestApps implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {

	private static final Duration ASSIGNMENT_TIMEOUT = Duration.ofSeconds(30);

	private final Deque<AutoCloseable> ofClass = new ArrayDeque<>();

	private final Deque<AutoCloseable> ofTest = new ArrayDeque<>();

	private volatile boolean inTest;

	/**
	 * Start an application against the shared test broker.
	 */
	public ConfigurableApplicationContext start(Class<?>[] sources, String... properties) {
		return start(TestBroker.bootstrapServers(), sources, properties);
	}

	/**
	 * Start an application against the given brokers rather than the shared test broker.
	 */
	public ConfigurableApplicationContext start(String bootstrapServers, Class<?>[] sources, String... properties) {
		List<String> all = new ArrayList<>();
		all.add("spring.kafka.bootstrap-servers=" + bootstrapServers);
		all.add("spring.main.banner-mode=off");
		all.addAll(List.of(properties));
		return closing(new SpringApplicationBuilder(sources).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run());
	}

	/**
	 * Start a requester without handlers on the given reply topic, against the given brokers.
	 */
	public ConfigurableApplicationContext startRequester(String bootstrapServers, String application,
			String replyTopic, String... more) {
		List<String> properties = new ArrayList<>(List.of("spring.application.name=" + application,
				"request-reply.reply-topic=" + replyTopic, "request-reply.handler.enabled=false"));
		properties.addAll(List.of(more));
		return start(bootstrapServers, new Class<?>[] { TestResponders.RequesterApp.class },
				properties.toArray(String[]::new));
	}

	/**
	 * Start an application against the shared test broker and wait until each of its handlers has
	 * partitions assigned.
	 */
	public ConfigurableApplicationContext startAssigned(Class<?>[] sources, String... properties) {
		return startAssigned(TestBroker.bootstrapServers(), sources, properties);
	}

	/**
	 * Start an application against the given brokers and wait until each of its handlers has
	 * partitions assigned.
	 */
	public ConfigurableApplicationContext startAssigned(String bootstrapServers, Class<?>[] sources,
			String... properties) {
		ConfigurableApplicationContext context = start(bootstrapServers, sources, properties);
		awaitHandlersAssigned(context);
		return context;
	}

	/**
	 * Close a resource with the applications: after the test, or after the class when given
	 * outside a test.
	 */
	public synchronized <T extends AutoCloseable> T closing(T resource) {
		(this.inTest ? this.ofTest : this.ofClass).push(resource);
		return resource;
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

	/**
	 * Wait until each handler of an application has partitions assigned.
	 */
	public static void awaitHandlersAssigned(ConfigurableApplicationContext context) {
		ReplyHandlerContainers containers = context.getBean(ReplyHandlerContainers.class);
		Awaitility.await()
			.atMost(ASSIGNMENT_TIMEOUT)
			.until(() -> containers.getContainers()
				.stream()
				.allMatch((container) -> container.getAssignedPartitions() != null
						&& !container.getAssignedPartitions().isEmpty()));
	}

	@Override
	public void beforeEach(ExtensionContext extensionContext) {
		this.inTest = true;
	}

	@Override
	public void afterEach(ExtensionContext extensionContext) throws Exception {
		this.inTest = false;
		closeAll(this.ofTest);
	}

	@Override
	public void afterAll(ExtensionContext extensionContext) throws Exception {
		closeAll(this.ofTest);
		closeAll(this.ofClass);
	}

	private void closeAll(Deque<AutoCloseable> resources) throws Exception {
		Exception failure = null;
		AutoCloseable resource;
		while ((resource = next(resources)) != null) {
			try {
				resource.close();
			}
			catch (Exception ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	private synchronized AutoCloseable next(Deque<AutoCloseable> resources) {
		return resources.poll();
	}

}
