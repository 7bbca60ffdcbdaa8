package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.Echo;
import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.TestResponders.RequesterApp;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A requester instance goes away with requests in flight (its stop cancels them at the responder)
 * and a new one takes its place.
 */
class RequesterRestartTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final int ORPHANS = 20;

	@Test
	void whenRequesterRestartsThenItsHeldRequestsAreCancelledAndNewInstanceStartsClean() throws Exception {
		String topic = TestBroker.createTopic("rr-requests", 2);
		String replyTopic = TestBroker.uniqueTopic("rr-replies");
		ConfigurableApplicationContext responder = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"test.topic=" + topic, "request-reply.handler.group-id=" + TestBroker.uniqueTopic("rr-group"),
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("rr-responder-replies"));
		Echo echo = responder.getBean(Echo.class);
		echo.gate.hold();
		ConfigurableApplicationContext gone = requester(replyTopic);
		RequestReplyTemplate survivor = requester(replyTopic).getBean(RequestReplyTemplate.class);
		List<CompletableFuture<String>> orphans = new ArrayList<>();
		RequestReplyTemplate goneTemplate = gone.getBean(RequestReplyTemplate.class);
		for (int i = 0; i < ORPHANS; i++) {
			orphans.add(goneTemplate.request(topic, "orphan" + i, String.class, Duration.ofSeconds(60)));
		}
		// Keyless requests run at once: every orphan is held at the gate.
		echo.gate.awaitWaiting(ORPHANS);
		gone.close();
		for (CompletableFuture<String> orphan : orphans) {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> orphan.get(10, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(RequestReplyException.class);
		}
		// Its stop sent the cancel record of each: the responder ends the calls held at its gate
		// (their threads interrupted) and sends no reply for them.
		assertThat(goneTemplate.getCancelsSent()).isEqualTo(ORPHANS);
		ReplyHandlerStats stats = responder.getBean(ReplyHandlerContainers.class)
			.getStats()
			.values()
			.iterator()
			.next();
		await().atMost(Duration.ofSeconds(10)).until(() -> stats.cancelled() == ORPHANS);
		echo.gate.awaitWaiting(0);
		RequestReplyTemplate restarted = requester(replyTopic).getBean(RequestReplyTemplate.class);
		assertThat(restarted.getRegistry().pendingCount()).isZero();
		assertThat(restarted.getInstanceId()).isNotEqualTo(goneTemplate.getInstanceId());
		echo.gate.release();
		List<CompletableFuture<String>> own = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			own.add(restarted.request(topic, "own" + i, String.class, Duration.ofSeconds(30)));
		}
		for (int i = 0; i < 10; i++) {
			assertThat(own.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:own" + i);
		}
		CorrelationRegistry registry = restarted.getRegistry();
		// The other instance skips the new one's replies as foreign, and no reply of the orphans comes.
		await().atMost(Duration.ofSeconds(10)).until(() -> survivor.getRegistry().foreignReplyCount() == 10);
		TestFigures.report("RELIABILITY requester-restart: %d requests held at the responder, cancelled by the "
				+ "requester's stop: %d; foreign at survivor %d, at new instance %d; new instance completed %d, "
				+ "pending %d, late %d, duplicates %d", ORPHANS, stats.cancelled(),
				survivor.getRegistry().foreignReplyCount(), registry.foreignReplyCount(), registry.completedCount(),
				registry.pendingCount(), registry.lateReplyCount(), registry.duplicateReplyCount());
		assertThat(echo.gate.arrived()).isEqualTo(ORPHANS + 10);
		assertThat(registry.completedCount()).isEqualTo(10);
		assertThat(registry.pendingCount()).isZero();
		assertThat(registry.foreignReplyCount()).isZero();
		assertThat(registry.lateReplyCount()).isZero();
		assertThat(registry.duplicateReplyCount()).isZero();
		assertThat(survivor.getRegistry().completedCount()).isZero();
		assertThat(survivor.getRegistry().foreignReplyCount()).isEqualTo(10);
	}

	private ConfigurableApplicationContext requester(String replyTopic) {
		ConfigurableApplicationContext context = apps.start(new Class<?>[] { RequesterApp.class },
				"spring.application.name=rr-requesters", "request-reply.reply-topic=" + replyTopic,
				"request-reply.handler.enabled=false");
		return context;
	}

}
