package dev.requestreply.responder;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application's outcome listeners run on a thread of their own, the library's at once; a
 * listener that falls behind has outcomes dropped past a bound, counted and logged, never run
 * on the thread that ended the request.
 */
@ExtendWith(OutputCaptureExtension.class)
class OutcomeListenersTests {

	private final OutcomeListeners listeners = new OutcomeListeners(2);

	private final ReplyHandlerEndpoint endpoint = endpoint();

	@AfterEach
	void stop() {
		this.listeners.stop();
	}

	@Test
	void whenAListenerBlocksThenOutcomesWaitUpToTheBoundAndThoseBeyondAreDroppedCountedAndLogged(
			CapturedOutput output) {
		CountDownLatch release = new CountDownLatch(1);
		List<String> heard = new CopyOnWriteArrayList<>();
		List<String> heardInline = new CopyOnWriteArrayList<>();
		this.listeners.add((endpoint, topic, outcome, durationNanos) -> {
			heard.add(topic + " on " + Thread.currentThread().getName());
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		this.listeners.addInline((endpoint, topic, outcome, durationNanos) -> heardInline
			.add(topic + " on " + Thread.currentThread().getName()));
		for (int i = 1; i <= 5; i++) {
			// The first runs (and blocks), two wait, two are dropped.
			this.listeners.tell(this.endpoint, "t" + i, ReplyHandlerOutcome.SUCCESS, System.nanoTime());
		}
		String self = Thread.currentThread().getName();
		assertThat(heardInline).hasSize(5).allSatisfy((call) -> assertThat(call).endsWith(" on " + self));
		assertThat(this.listeners.dropped()).isEqualTo(2);
		assertThat(output.getOut().lines().filter((line) -> line.contains("outcome(s) dropped"))).singleElement()
			.satisfies((line) -> assertThat(line).contains(" WARN ").contains("1 outcome(s) dropped"));
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 3);
		assertThat(heard).containsExactly("t1 on request-reply-outcomes-1", "t2 on request-reply-outcomes-1",
				"t3 on request-reply-outcomes-1");
	}

	private static ReplyHandlerEndpoint endpoint() {
		Method method = ReflectionUtils.findMethod(GatedCalls.class, "work", (Class<?>[]) null);
		return new ReplyHandlerEndpoint("handlers", new GatedCalls(), method, List.of("t"), null, null, String.class);
	}

}
