package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.requestreply.PacedLoad.Figures;
import dev.requestreply.TestResponders.RequesterApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A responder killed outright (SIGKILL, in a JVM of its own) under a steady load of requests with
 * a 2 s timeout, once with the handlers in consumer groups and once in queue mode, side by side in
 * one test, on one partition: a consumer group waits for the dead member's session to end and
 * rebalances, its standby member idle until then; a share group releases what the dead member held
 * as soon as its connection drops, and the survivor, which reads the partition all along, takes it.
 */
@Tag("slow")
class QueueCrashTests {

	private static final Duration START = Duration.ofSeconds(90);

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	// One partition: in queue mode every share consumer of both responders reads it; with more
	// partitions than share consumers per responder, the share group may give a partition to the
	// consumers of one responder only, and it then waits for the dead member's share session.
	private static final int PARTITIONS = 1;

	private static final int SHARE_CONSUMERS = 2;

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@RegisterExtension
	final ForkedApps forked = new ForkedApps();

	@Test
	void whenAResponderIsKilledThenQueueModeDegradesForFarLessTimeThanConsumerGroups() throws Exception {
		Outcome groups = run(false);
		Outcome queue = run(true);
		TestFigures.report("RELIABILITY responder-crash, %d s timeouts: consumer groups: %s; queue mode: %s",
				TIMEOUT.toSeconds(), groups, queue);
		for (Outcome outcome : List.of(groups, queue)) {
			assertThat(outcome.figures().lost()).isZero();
			assertThat(outcome.figures().wrong()).isZero();
			assertThat(outcome.figures().failed()).isEqualTo(outcome.figures().timedOut());
		}
		// A consumer group hands the dead member's partitions over after its session (6 s).
		assertThat(groups.figures().failed()).isPositive();
		assertThat(queue.figures().failed()).isLessThan(groups.figures().failed());
		assertThat(queue.sufferedMs()).isLessThan(groups.sufferedMs());
		assertThat(queue.sufferedMs()).isLessThan(3_000);
	}

	private Outcome run(boolean queue) throws Exception {
		String mode = queue ? "queue" : "groups";
		String topic = TestBroker.createTopic("crash-" + mode + "-requests", PARTITIONS);
		String group = TestBroker.uniqueTopic("crash-" + mode + "-group");
		List<String> properties = new ArrayList<>(List.of("test.topic=" + topic,
				"request-reply.handler.group-id=" + group,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("crash-" + mode + "-responder-replies")));
		if (queue) {
			properties.add("request-reply.handler.queue=true");
			properties.add("request-reply.handler.queue-consumers=" + SHARE_CONSUMERS);
		}
		ForkedJvm victim = this.forked.fork(mode + "-responder-1", "responder", properties);
		// In a consumer group, the one partition goes to the first member, the victim.
		victim.await("ready", START);
		List<String> standby = new ArrayList<>(properties);
		standby.add("test.standby=true");
		ForkedJvm survivor = this.forked.fork(mode + "-responder-2", "responder", standby);
		survivor.await("ready", START);
		if (queue) {
			String shareGroup = group + "." + topic + ".share";
			await().atMost(Duration.ofSeconds(60))
				.until(() -> QueueModeTests.members(TestBroker.bootstrapServers(), shareGroup) == 2 * SHARE_CONSUMERS);
		}
		else {
			await().atMost(Duration.ofSeconds(60)).until(() -> assigned(victim) && !assigned(survivor));
		}
		RequestReplyTemplate template = apps
			.start(new Class<?>[] { RequesterApp.class }, "spring.application.name=crash-" + mode + "-requesters",
					"request-reply.reply-topic=" + TestBroker.uniqueTopic("crash-" + mode + "-replies"),
					"request-reply.handler.enabled=false")
			.getBean(RequestReplyTemplate.class);
		PacedLoad load = new PacedLoad(template, topic, PARTITIONS, (seq) -> TIMEOUT);
		load.start(Duration.ofMillis(20));
		// A few seconds of steady answers, for the rate before the kill.
		await().atMost(Duration.ofSeconds(30)).until(() -> load.figures((p) -> true).replied() >= 150);
		long victimHandled = handled(victim.ask("stats", Duration.ofSeconds(10)));
		load.fault();
		victim.kill();
		// 15 s of load after the kill: past the consumer group's session and rebalance.
		await().atMost(Duration.ofSeconds(60)).until(() -> load.sentSinceFault() >= 750);
		load.stop(Duration.ofSeconds(15));
		String stats = survivor.ask("stats", Duration.ofSeconds(10));
		Figures figures = load.figures((p) -> true);
		long runs = victimHandled + handled(stats);
		return new Outcome(figures, load.rateDegradedMs(Duration.ofSeconds(2), Duration.ofMillis(500)),
				load.sufferedMs(), runs, figures.sent(), stats);
	}

	private static boolean assigned(ForkedJvm responder) throws InterruptedException {
		return !responder.ask("assignment", Duration.ofSeconds(10)).isEmpty();
	}

	private static long handled(String stats) {
		return Long.parseLong(stats.replaceAll(".*handled=(\\d+).*", "$1"));
	}

	/**
	 * How one run went.
	 * @param figures how its requests ended
	 * @param rateDegradedMs from the kill until the answered rate was back to half of the rate before
	 * @param sufferedMs from the kill until the last request that failed or was answered late was sent
	 * @param runs handler runs counted (the victim's until just before the kill, the survivor's)
	 * @param sent requests sent
	 * @param survivorStats what the survivor's handler did
	 */
	private record Outcome(Figures figures, long rateDegradedMs, long sufferedMs, long runs, int sent,
			String survivorStats) {

		@Override
		public String toString() {
			return this.figures + "; answered rate back to half " + this.rateDegradedMs + " ms after the kill; last "
					+ "request failed or late sent " + this.sufferedMs + " ms after it; handler runs " + this.runs
					+ " for " + this.sent + " requests (at least " + Math.max(0, this.runs - this.sent)
					+ " repeated); survivor " + this.survivorStats;
		}

	}

}
