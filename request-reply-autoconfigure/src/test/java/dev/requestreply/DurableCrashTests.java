package dev.requestreply;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.requestreply.DurableRequestsTests.DurableApp;
import dev.requestreply.DurableRequestsTests.Outcomes;
import dev.requestreply.durable.DurableRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A requester of durable requests killed outright (SIGKILL, in a JVM of its own) while its
 * requests are pending, two of them in the middle of a listener call: another instance of the
 * application delivers every outcome, each once, the two interrupted ones known and counted as
 * repeats.
 */
class DurableCrashTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@RegisterExtension
	final ForkedApps forked = new ForkedApps();

	private static final Duration START = Duration.ofSeconds(90);

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Test
	void whenRequesterIsKilledWithRequestsPendingThenAnotherInstanceDeliversEveryOutcomeOnceCountingRepeats()
			throws Exception {
		String topic = TestBroker.createTopic("durable-crash", 2);
		Jobs jobs = apps
			.startAssigned(new Class<?>[] { JobsApp.class }, "test.topic=" + topic,
					"spring.application.name=" + TestBroker.uniqueTopic("durable-crash-responder"))
			.getBean(Jobs.class);
		jobs.gate.hold();
		String application = TestBroker.uniqueTopic("durable-crash-app");
		List<String> properties = List.of("spring.application.name=" + application,
				"request-reply.handler.enabled=false", "request-reply.durable.topic-partitions=2");
		ForkedJvm doomed = this.forked.fork("durable-requester", "durable", properties);
		doomed.await("ready", START);
		int count = 8;
		int quick = 2;
		List<String> ids = List.of(doomed.ask("submit " + topic + " " + count + " " + quick, WAIT).split(","));
		assertThat(ids).hasSize(count).doesNotHaveDuplicates();
		// The quick ones' listener calls have begun (and hang) in the doomed JVM; the others wait at the gate.
		await().atMost(WAIT).until(() -> doomed.said("delivered").size() == quick);
		jobs.gate.awaitWaiting(count - quick);
		doomed.kill();
		ConfigurableApplicationContext survivor = apps.start(new Class<?>[] { DurableApp.class },
				"spring.application.name=" + application, "request-reply.handler.enabled=false",
				"request-reply.durable.topic-partitions=2");
		jobs.gate.release();
		Outcomes outcomes = survivor.getBean(Outcomes.class);
		Map<String, DurableOutcome<String>> delivered = new HashMap<>();
		for (int i = 0; i < count; i++) {
			DurableOutcome<String> outcome = outcomes.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(outcome).as("outcome " + (i + 1) + " of " + count).isNotNull();
			assertThat(delivered.put(outcome.id(), outcome)).as("a second outcome of " + outcome.id()).isNull();
		}
		assertThat(delivered.keySet()).containsExactlyInAnyOrderElementsOf(ids);
		for (int i = 0; i < count; i++) {
			DurableOutcome<String> outcome = delivered.get(ids.get(i));
			assertThat(outcome).isInstanceOf(DurableOutcome.Replied.class);
			assertThat(((DurableOutcome.Replied<String>) outcome).reply())
				.isEqualTo("done:" + ((i < quick) ? "quick-" : "job-") + i);
			// The interrupted calls are known repeats; the others first deliveries.
			assertThat(outcome.deliveryAttempt()).as("delivery attempt of job " + i).isEqualTo((i < quick) ? 2 : 1);
		}
		DurableRequests durable = survivor.getBean(DurableRequests.class);
		await().atMost(WAIT)
			.until(() -> durable.getOutcomes("replied") == count && durable.getPendingCount() == 0);
		assertThat(durable.getRedeliveries()).isEqualTo(quick);
		assertThat(outcomes.received.poll(500, TimeUnit.MILLISECONDS)).isNull();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class JobsApp {

		@Bean
		Jobs jobs() {
			return new Jobs();
		}

	}

	static class Jobs {

		final TestGate gate = new TestGate();

		@ReplyHandler(topics = "${test.topic}")
		String work(String job) throws InterruptedException {
			if (!job.startsWith("quick-")) {
				this.gate.pass();
			}
			return "done:" + job;
		}

	}

}
