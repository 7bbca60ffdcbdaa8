package dev.requestreply.observation;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.requestreply.ReplyHandler;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.RequestTimeoutException;
import dev.requestreply.TestApps;
import dev.requestreply.TestBroker;
import dev.requestreply.TestFigures;
import dev.requestreply.TestGate;
import dev.requestreply.actuate.RequestReplyEndpoint;
import dev.requestreply.actuate.RequestReplyEndpoint.PendingRequestDescriptor;
import dev.requestreply.actuate.RequestReplyEndpoint.RequestReplyDescriptor;
import dev.requestreply.actuate.RequestReplyHealthIndicator;
import dev.requestreply.handler.ReplyHandlerContainers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Meters, endpoint and health of one application that is requester and responder, against the
 * embedded broker.
 */
class ObservabilityIntegrationTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static ConfigurableApplicationContext context;

	private static RequestReplyTemplate template;

	private static SimpleMeterRegistry meters;

	private static RequestReplyEndpoint endpoint;

	private static Handlers handlers;

	@BeforeAll
	static void start() {
		context = apps.startAssigned(new Class<?>[] { App.class }, "spring.application.name=observability",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("observability-replies"),
				"request-reply.default-timeout=5s", "management.endpoints.web.exposure.include=requestreply",
				"test.topic.echo=" + TestBroker.uniqueTopic("obs-echo"),
				"test.topic.fail=" + TestBroker.uniqueTopic("obs-fail"),
				"test.topic.slow=" + TestBroker.uniqueTopic("obs-slow"),
				// No handler serves this one.
				"test.topic.silent=" + TestBroker.createTopic("obs-silent", 1));
		template = context.getBean(RequestReplyTemplate.class);
		meters = context.getBean(SimpleMeterRegistry.class);
		endpoint = context.getBean(RequestReplyEndpoint.class);
		handlers = context.getBean(Handlers.class);
	}

	@AfterAll
	static void stop() {
		if (endpoint != null) {
			// The endpoint's JSON after all tests, as quoted in docs/observability.md.
			TestFigures.report("requestreply endpoint after the tests:%n%s", JsonMapper.builder()
				.enable(SerializationFeature.INDENT_OUTPUT)
				.build()
				.writeValueAsString(endpoint.requestReply()));
		}
	}

	private static String topic(String name) {
		return context.getEnvironment().getRequiredProperty("test.topic." + name);
	}

	private static long requests(String topic, String outcome) {
		Timer timer = meters.find("requestreply.requests").tags("topic", topic, "outcome", outcome).timer();
		return (timer != null) ? timer.count() : 0;
	}

	private static long handled(String topic, String outcome) {
		Timer timer = meters.find("requestreply.handler").tags("topic", topic, "outcome", outcome).timer();
		return (timer != null) ? timer.count() : 0;
	}

	private static long observed(String topic, String outcome) {
		Timer timer = meters.find("requestreply.request").tags("topic", topic, "outcome", outcome).timer();
		return (timer != null) ? timer.count() : 0;
	}

	@Test
	void whenRequestsSucceedAndFailThenTimersCountThemByTopicAndOutcome() throws Exception {
		assertThat(template.request(topic("echo"), "a", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("A");
		assertThat(template.request(topic("echo"), "b", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("B");
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request(topic("fail"), "x", String.class).get(10, TimeUnit.SECONDS));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(endpoint.requestReply().topics().get(topic("echo")).completed()).isEqualTo(2);
			assertThat(endpoint.requestReply().topics().get(topic("fail")).errors()).isEqualTo(1);
			assertThat(requests(topic("echo"), "success")).isEqualTo(2);
			assertThat(requests(topic("fail"), "error")).isEqualTo(1);
			assertThat(handled(topic("echo"), "success")).isEqualTo(2);
			assertThat(handled(topic("fail"), "error")).isEqualTo(1);
		});
		// The round trip observation, timed by Boot's default meter observation handler.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(observed(topic("echo"), "success")).isEqualTo(2);
			assertThat(observed(topic("fail"), "error")).isEqualTo(1);
		});
		Timer roundTrip = meters.get("requestreply.requests").tags("topic", topic("echo"), "outcome", "success").timer();
		assertThat(roundTrip.totalTime(TimeUnit.NANOSECONDS)).isPositive();
		// Spring Kafka's own observations of the same sends and handler invocations are on too.
		assertThat(meters.find("spring.kafka.template").timers()).isNotEmpty();
		assertThat(meters.find("spring.kafka.listener").timers()).isNotEmpty();
		// The messaging keys and the conversation id are span tags only: no meter gains a tag.
		assertThat(meters.find("requestreply.request").timers())
			.allSatisfy((timer) -> assertThat(tagKeys(timer)).containsExactlyInAnyOrder("topic", "outcome", "error"));
		assertThat(meters.find("spring.kafka.listener").timers())
			.allSatisfy((timer) -> assertThat(tagKeys(timer)).doesNotContain("messaging.message.conversation_id"));
		RequestReplyDescriptor descriptor = endpoint.requestReply();
		assertThat(descriptor.topics().get(topic("echo")).completed()).isEqualTo(2);
		assertThat(descriptor.topics().get(topic("echo")).roundTrip().samples()).isEqualTo(2);
		assertThat(descriptor.topics().get(topic("echo")).roundTrip().p99Millis()).isPositive();
		assertThat(descriptor.topics().get(topic("fail")).errors()).isEqualTo(1);
		assertThat(descriptor.handlers()).containsKeys("handlers.echo", "handlers.fail", "handlers.slow");
		assertThat(descriptor.handlers().get("handlers.echo").topics()).containsExactly(topic("echo"));
		assertThat(descriptor.handlers().get("handlers.echo").running()).isTrue();
		assertThat(descriptor.handlers().get("handlers.echo").handled()).isEqualTo(2);
		assertThat(descriptor.handlers().get("handlers.fail").failed()).isEqualTo(1);
	}

	private static List<String> tagKeys(Meter meter) {
		return meter.getId().getTags().stream().map(Tag::getKey).toList();
	}

	@Test
	void whenRequestTimesOutThenTimeoutIsTimed() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request(topic("silent"), "x", String.class, Duration.ofMillis(200))
				.get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestTimeoutException.class);
		// Meters are recorded just after the future completes, on the thread that completed it.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(requests(topic("silent"), "timeout")).isEqualTo(1);
			assertThat(observed(topic("silent"), "timeout")).isEqualTo(1);
			assertThat(endpoint.requestReply().topics().get(topic("silent")).timeouts()).isEqualTo(1);
		});
	}

	@Test
	void whenRequestsPendThenGaugeEndpointAndCancelShowThemAndTheHandlerStopsThem() throws Exception {
		handlers.slow.hold();
		try {
			CompletableFuture<String> timedOut = template.request(topic("slow"), "first", String.class,
					Duration.ofSeconds(2));
			// The handler holds the first request (had it come after its deadline, it would skip it).
			assertThat(handlers.slowEntered.poll(10, TimeUnit.SECONDS)).isEqualTo("first");
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> timedOut.get(10, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(RequestTimeoutException.class);
			CompletableFuture<String> waiting = template.request(topic("slow"), "second", String.class,
					Duration.ofSeconds(30));
			Gauge pending = meters.get("requestreply.pending").gauge();
			assertThat(pending.value()).isEqualTo(1.0);
			RequestReplyDescriptor descriptor = endpoint.requestReply();
			assertThat(descriptor.pending()).isEqualTo(1);
			assertThat(descriptor.oldestPending()).hasSize(1);
			PendingRequestDescriptor oldest = descriptor.oldestPending().get(0);
			assertThat(oldest.topic()).isEqualTo(topic("slow"));
			assertThat(oldest.timeLeftMillis()).isBetween(1L, 30_000L);
			assertThat(descriptor.topics().get(topic("slow")).pending()).isEqualTo(1);
			TestFigures.report("requestreply endpoint, one request pending:%n%s", JsonMapper.builder()
				.enable(SerializationFeature.INDENT_OUTPUT)
				.build()
				.writeValueAsString(descriptor));
			assertThat(endpoint.pendingRequest(oldest.correlationId()).topic()).isEqualTo(topic("slow"));
			assertThat(endpoint.cancel(oldest.correlationId()).cancelled()).isTrue();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(RequestReplyException.class);
			assertThat(pending.value()).isZero();
			assertThat(endpoint.pendingRequest(oldest.correlationId())).isNull();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(requests(topic("slow"), "timeout")).isEqualTo(1);
				assertThat(requests(topic("slow"), "cancelled")).isEqualTo(1);
				assertThat(observed(topic("slow"), "timeout")).isEqualTo(1);
				assertThat(observed(topic("slow"), "cancelled")).isEqualTo(1);
			});
		}
		finally {
			handlers.slow.release();
		}
		// Both were given up, so cancel records followed them: the handler stops both (the first
		// perhaps at its deadline, before its cancel record came), neither is answered, and no late
		// reply comes.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			RequestReplyDescriptor descriptor = endpoint.requestReply();
			assertThat(descriptor.cancelsSent()).isEqualTo(2);
			assertThat(descriptor.handlers()
				.values()
				.stream()
				.mapToLong((handler) -> handler.cancelled() + handler.expired())
				.sum()).isEqualTo(2);
		});
		assertThat(meters.get("requestreply.replies.skipped").tag("reason", "late").functionCounter().count())
			.isZero();
		assertThat(handled(topic("slow"), "success")).isZero();
	}

	@Test
	void whenEverythingRunsThenHealthIsUp() {
		Health health = context.getBean(RequestReplyHealthIndicator.class).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("handlers", 3).doesNotContainKey("reason");
	}

	@Test
	void whenHandlerContainersStopThenHealthIsDownWithReason() {
		ConfigurableApplicationContext other = apps.startAssigned(new Class<?>[] { App.class },
				"spring.application.name=observability-down",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("observability-down-replies"),
				"test.topic.echo=" + TestBroker.uniqueTopic("down-echo"),
				"test.topic.fail=" + TestBroker.uniqueTopic("down-fail"),
				"test.topic.slow=" + TestBroker.uniqueTopic("down-slow"));
		try {
			RequestReplyHealthIndicator indicator = other.getBean(RequestReplyHealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			other.getBean(ReplyHandlerContainers.class).getContainers().get(0).stop();
			Health handlerDown = indicator.health();
			assertThat(handlerDown.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) handlerDown.getDetails().get("reason")).contains("is not running");
			other.getBean(RequestReplyTemplate.class).stop();
			Health bothDown = indicator.health();
			assertThat(bothDown.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) bothDown.getDetails().get("reason")).contains("reply consumer of", "is not running");
		}
		finally {
			other.close();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

	static class Handlers {

		final TestGate slow = new TestGate();

		final BlockingQueue<String> slowEntered = new LinkedBlockingQueue<>();

		@ReplyHandler(topics = "${test.topic.echo}")
		String echo(String text) {
			return text.toUpperCase(Locale.ROOT);
		}

		@ReplyHandler(topics = "${test.topic.fail}")
		String fail(String text) {
			throw new IllegalStateException("no " + text);
		}

		@ReplyHandler(topics = "${test.topic.slow}")
		String slow(String text) throws InterruptedException {
			this.slowEntered.add(text);
			this.slow.pass();
			return text;
		}

	}

}
