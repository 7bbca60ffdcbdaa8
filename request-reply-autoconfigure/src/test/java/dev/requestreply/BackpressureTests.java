package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.Echo;
import dev.requestreply.TestResponders.EchoApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code request-reply.max-pending} bounds the requests waiting for a reply.
 */
class BackpressureTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@Test
	void whenMaxPendingReachedThenNextRequestFailsAtOnceAndIsAcceptedAgainLater() throws Exception {
		String topic = TestBroker.createTopic("bp-requests", 1);
		try (ConfigurableApplicationContext app = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"test.topic=" + topic, "request-reply.max-pending=10",
				"request-reply.handler.group-id=" + TestBroker.uniqueTopic("bp-group"),
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("bp-replies"))) {
			RequestReplyTemplate template = app.getBean(RequestReplyTemplate.class);
			CorrelationRegistry registry = template.getRegistry();
			Echo echo = app.getBean(Echo.class);
			echo.gate.hold();
			List<CompletableFuture<String>> admitted = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				admitted.add(template.request(topic, "q" + i, String.class, Duration.ofSeconds(30)));
			}
			// Keyless requests run at once: all ten are held at the gate.
			echo.gate.awaitWaiting(10);
			long start = System.nanoTime();
			CompletableFuture<String> eleventh = template.request(topic, "q10", String.class, Duration.ofSeconds(30));
			long refusedMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
			assertThat(eleventh).isCompletedExceptionally();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(eleventh::get)
				.withCauseExactlyInstanceOf(RequestReplyException.class)
				.withMessageContaining("request-reply.max-pending");
			// Refused requests leave nothing behind: the registry stays at its bound however many
			// more arrive.
			int refused = 10_000;
			for (int i = 0; i < refused; i++) {
				assertThat(template.request(topic, "more" + i, String.class, Duration.ofSeconds(30)))
					.isCompletedExceptionally();
			}
			assertThat(registry.pendingCount()).isEqualTo(10);
			assertThat(registry.rejectedCount()).isEqualTo(refused + 1);
			assertThat(admitted).noneMatch(CompletableFuture::isDone);
			echo.gate.release();
			for (int i = 0; i < 10; i++) {
				assertThat(admitted.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:q" + i);
			}
			assertThat(template.request(topic, "again", String.class, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS))
				.isEqualTo("echo:again");
			TestFigures.report("RELIABILITY backpressure: max-pending 10; 11th refused in %d us; %d refused,"
					+ " pending stayed %d; handler saw %d requests", refusedMicros, registry.rejectedCount(), 10,
					echo.gate.arrived());
			assertThat(echo.gate.arrived()).isEqualTo(11);
			assertThat(registry.pendingCount()).isZero();
		}
	}

}
