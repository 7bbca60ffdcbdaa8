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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A requester instance goes away with requests in flight and a new one takes its place.
 */
class RequesterRestartTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final int ORPHANS = 20;

	@Test
	void whenRequesterRestartsThenOrphanRepliesAreSkippedAsForeignAndNewInstanceStartsClean() throws Exception {
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
		RequestReplyTemplate restarted = requester(replyTopic).getBean(RequestReplyTemplate.class);
		assertThat(restarted.getRegistry().pendingCount()).isZero();
		assertThat(restarted.getInstanceId()).isNotEqualTo(goneTemplate.getInstanceId());
		echo.gate.release();
		// The replies to the requests of the instance that is gone reach the reply topic and are
		// skipped by the others by their instance header alone.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> survivor.getRegistry().foreignReplyCount() == ORPHANS
					&& restarted.getRegistry().foreignReplyCount() == ORPHANS);
		assertThat(echo.gate.arrived()).isEqualTo(ORPHANS);
		List<CompletableFuture<String>> own = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			own.add(restarted.request(topic, "own" + i, String.class, Duration.ofSeconds(30)));
		}
		for (int i = 0; i < 10; i++) {
			assertThat(own.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:own" + i);
		}
		CorrelationRegistry registry = restarted.getRegistry();
		await().atMost(Duration.ofSeconds(10)).until(() -> survivor.getRegistry().foreignReplyCount() == ORPHANS + 10);
		TestFigures.report("RELIABILITY requester-restart: %d orphan replies; foreign at survivor %d, at new instance"
				+ " %d; new instance completed %d, pending %d, late %d, duplicates %d", ORPHANS,
				survivor.getRegistry().foreignReplyCount(), registry.foreignReplyCount(), registry.completedCount(),
				registry.pendingCount(), registry.lateReplyCount(), registry.duplicateReplyCount());
		assertThat(registry.completedCount()).isEqualTo(10);
		assertThat(registry.pendingCount()).isZero();
		assertThat(registry.foreignReplyCount()).isEqualTo(ORPHANS);
		assertThat(registry.lateReplyCount()).isZero();
		assertThat(registry.duplicateReplyCount()).isZero();
		assertThat(survivor.getRegistry().completedCount()).isZero();
	}

	private ConfigurableApplicationContext requester(String replyTopic) {
		ConfigurableApplicationContext context = apps.start(new Class<?>[] { RequesterApp.class },
				"spring.application.name=rr-requesters", "request-reply.reply-topic=" + replyTopic,
				"request-reply.handler.enabled=false");
		return context;
	}

}
