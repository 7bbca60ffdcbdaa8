package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

import dev.requestreply.PacedLoad.Figures;
import dev.requestreply.TestResponders.Echo;
import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.TestResponders.GroupJobs;
import dev.requestreply.TestResponders.GroupJobsApp;
import dev.requestreply.TestResponders.RequesterApp;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.responder.TestCommitMarks;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A responder or a requester killed outright (SIGKILL, in a JVM of its own), as a crash, an OOM
 * kill or a lost node would: it leaves its consumer group without a word, so its partitions move
 * only once the group notices. Nothing is lost; the hand-over takes seconds.
 * <p>
 * {@code -Dcrash.responder-properties=k=v,k=v} passes properties to the responders, to measure
 * other consumer settings (such as Kafka's own defaults) with the same test.
 */
@Tag("slow")
class CrashFailoverTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final Duration START = Duration.ofSeconds(90);

	private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(3);

	private static final Duration LONG_TIMEOUT = Duration.ofSeconds(30);

	@RegisterExtension
	final ForkedApps forked = new ForkedApps();

	@Test
	void whenAResponderIsKilledUnderLoadThenTheSurvivorTakesOverInSecondsAndNothingIsLost() throws Exception {
		String topic = TestBroker.createTopic("crash-requests", 4);
		String group = TestBroker.uniqueTopic("crash-group");
		List<String> properties = new ArrayList<>(List.of("test.topic=" + topic,
				"request-reply.handler.group-id=" + group,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("crash-responder-replies")));
		String extra = System.getProperty("crash.responder-properties", "");
		if (!extra.isBlank()) {
			properties.addAll(Arrays.asList(extra.split(",")));
		}
		ForkedJvm victim = this.forked.fork("responder-1", "responder", properties);
		ForkedJvm survivor = this.forked.fork("responder-2", "responder", properties);
		victim.await("ready", START);
		survivor.await("ready", START);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> !partitions(victim).isEmpty() && !partitions(survivor).isEmpty()
					&& partitions(victim).size() + partitions(survivor).size() == 4);
		Set<Integer> victimPartitions = partitions(victim);
		IntPredicate orphaned = victimPartitions::contains;
		RequestReplyTemplate template = requester(TestBroker.uniqueTopic("crash-replies"));
		PacedLoad load = new PacedLoad(template, topic, 4,
				(seq) -> shortTimeout(seq) ? SHORT_TIMEOUT : LONG_TIMEOUT);
		load.start(Duration.ofMillis(20));
		await().atMost(Duration.ofSeconds(30)).until(() -> load.figures((p) -> true).replied() >= 50);
		load.fault();
		victim.kill();
		await().atMost(Duration.ofSeconds(120)).until(() -> load.sentSinceRecovery(orphaned) >= 100);
		load.stop(Duration.ofSeconds(45));
		Figures all = load.figures((p) -> true);
		Figures orphanedFigures = load.figures(orphaned);
		Figures kept = load.figures(orphaned.negate());
		Figures shortDuringOutage = load.figuresDuringOutage(orphaned, CrashFailoverTests::shortTimeout);
		Figures longDuringOutage = load.figuresDuringOutage(orphaned, (seq) -> !shortTimeout(seq));
		String stats = survivor.ask("stats", Duration.ofSeconds(10));
		long expired = Long.parseLong(stats.replaceAll(".*expired=(\\d+).*", "$1"));
		long cancelled = Long.parseLong(stats.replaceAll(".*cancelled=(\\d+).*", "$1"));
		TestFigures.report("RELIABILITY responder-crash%s: outage %d ms; all: %s; on the killed responder's"
				+ " partitions %s: %s; on the survivor's: %s; sent during the outage, %d s timeout: %s; %d s timeout: %s;"
				+ " survivor %s; requester: late replies %d, duplicates %d", extra.isBlank() ? "" : " (" + extra + ")",
				orphanedFigures.outageMs(), all, victimPartitions, orphanedFigures, kept, SHORT_TIMEOUT.toSeconds(),
				shortDuringOutage, LONG_TIMEOUT.toSeconds(), longDuringOutage, stats,
				template.getRegistry().lateReplyCount(), template.getRegistry().duplicateReplyCount());
		assertThat(all.lost()).isZero();
		assertThat(all.wrong()).isZero();
		assertThat(all.failed()).isEqualTo(all.timedOut());
		assertThat(kept.failed()).isZero();
		// The goal is 10 s; the bound leaves room for a loaded machine, and is far below the 45 s
		// of Kafka's default session timeout.
		assertThat(orphanedFigures.outageMs()).isLessThan(25_000);
		assertThat(longDuringOutage.failed()).isZero();
		assertThat(longDuringOutage.replied()).isPositive();
		assertThat(shortDuringOutage.timedOut()).isPositive();
		// Requests whose deadline passed before the survivor read them are skipped and counted;
		// among them some the killed responder had answered but not yet committed. Counted expired,
		// or cancelled when the requester's cancel (sent as its future timed out) came first.
		assertThat(expired + cancelled).isPositive();
		assertThat(template.getRegistry().pendingCount()).isZero();
	}

	@Test
	void whenAResponderIsKilledWithLongJobsRunningThenTheNextOwnerRunsEachOnceMoreAndCountsItsReruns()
			throws Exception {
		String topic = TestBroker.createTopic("crash-jobs-requests", 1);
		String group = TestBroker.uniqueTopic("crash-jobs-group");
		List<String> properties = List.of("test.topic=" + topic, "request-reply.handler.group-id=" + group,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("crash-jobs-responder-replies"));
		List<String> victimProperties = new ArrayList<>(properties);
		// Its jobs are in hand, running, when it is killed.
		victimProperties.add("test.job-ms=60000");
		ForkedJvm victim = this.forked.fork("jobs-responder", "group-jobs", victimProperties);
		RequestReplyTemplate template = requester(TestBroker.uniqueTopic("crash-jobs-replies"));
		victim.await("ready", START);
		int jobs = 3;
		List<CompletableFuture<String>> replies = new ArrayList<>();
		for (int job = 0; job < jobs; job++) {
			replies.add(template.request(topic, "job-" + job, String.class, Duration.ofSeconds(60)));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> victim.said("run").size() == jobs);
		// A second on, its commits name the jobs as started.
		TopicPartition partition = new TopicPartition(topic, 0);
		try (TestGroupOffsets offsets = new TestGroupOffsets()) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> TestCommitMarks.started(offsets.committed(group + "." + topic).get(partition)) == jobs);
		}
		victim.kill();
		long killed = System.nanoTime();
		List<String> survivorProperties = new ArrayList<>(properties);
		survivorProperties.add("test.job-ms=200");
		ConfigurableApplicationContext survivor = apps.start(new Class<?>[] { GroupJobsApp.class },
				survivorProperties.toArray(String[]::new));
		for (int job = 0; job < jobs; job++) {
			assertThat(replies.get(job).get(60, TimeUnit.SECONDS)).isEqualTo("done:job-" + job);
		}
		long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(3))
			.until(() -> template.getRegistry().duplicateReplyCount() == 0);
		GroupJobs survivorJobs = survivor.getBean(GroupJobs.class);
		ReplyHandlerStats stats = survivor.getBean(ReplyHandlerContainers.class).getStats().values().iterator().next();
		TestFigures.report("RELIABILITY responder-crash-long-jobs: %d jobs running for 1 s or more on the killed "
				+ "responder; the next owner answered all %d ms after the kill, runs %s, reruns %d; requester: "
				+ "duplicates %d", jobs, answeredMs, survivorJobs.runs, stats.reruns(),
				template.getRegistry().duplicateReplyCount());
		assertThat(victim.said("done")).isEmpty();
		assertThat(survivorJobs.runs).hasSize(jobs).allSatisfy((job, runs) -> assertThat(runs).hasValue(1));
		assertThat(stats.reruns()).isEqualTo(jobs);
		assertThat(stats.handled()).isEqualTo(jobs);
		assertThat(template.getRegistry().pendingCount()).isZero();
	}

	@Test
	void whenARequesterIsKilledWithRequestsPendingThenAnotherIsUnaffectedAndCountsItsRepliesAsForeign()
			throws Exception {
		String topic = TestBroker.createTopic("crash-requester-requests", 2);
		String replyTopic = TestBroker.uniqueTopic("crash-requester-replies");
		ConfigurableApplicationContext responder = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"test.topic=" + topic, "request-reply.handler.group-id=" + TestBroker.uniqueTopic("crash-rq-group"),
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("crash-rq-responder-replies"));
		Echo echo = responder.getBean(Echo.class);
		echo.gate.hold();
		ForkedJvm doomed = this.forked.fork("requester", "requester", List.of("spring.application.name=crash-requesters",
				"request-reply.reply-topic=" + replyTopic, "request-reply.handler.enabled=false"));
		doomed.await("ready", START);
		RequestReplyTemplate other = requester(replyTopic);
		int orphans = 20;
		assertThat(doomed.ask("send " + topic + " " + orphans + " 60000", Duration.ofSeconds(30)))
			.isEqualTo(String.valueOf(orphans));
		// Keyless requests run at once: every orphan is held at the gate.
		echo.gate.awaitWaiting(orphans);
		List<CompletableFuture<String>> own = new ArrayList<>();
		List<Long> sent = new ArrayList<>();
		for (int i = 0; i < orphans; i++) {
			sent.add(System.nanoTime());
			own.add(other.request(topic, "own" + i, String.class, Duration.ofSeconds(30)));
		}
		doomed.kill();
		long killed = System.nanoTime();
		echo.gate.release();
		for (int i = 0; i < orphans; i++) {
			assertThat(own.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:own" + i);
		}
		long allAnsweredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
		CorrelationRegistry registry = other.getRegistry();
		await().atMost(Duration.ofSeconds(30)).until(() -> registry.foreignReplyCount() == orphans);
		TestFigures.report("RELIABILITY requester-crash: %d requests of the killed requester, %d of the other;"
				+ " other: completed %d, timeouts %d, errors %d, late %d, foreign %d, pending %d;"
				+ " all its replies %d ms after the kill (behind the %d orphans); responder handled %d", orphans,
				orphans, registry.completedCount(), registry.timeoutCount(), registry.errorCount(),
				registry.lateReplyCount(), registry.foreignReplyCount(), registry.pendingCount(), allAnsweredMs,
				orphans, echo.gate.arrived());
		assertThat(registry.completedCount()).isEqualTo(orphans);
		assertThat(registry.timeoutCount()).isZero();
		assertThat(registry.errorCount()).isZero();
		assertThat(registry.lateReplyCount()).isZero();
		assertThat(registry.pendingCount()).isZero();
		assertThat(echo.gate.arrived()).isEqualTo(2 * orphans);
	}

	/**
	 * Every other round over the 4 partitions has a deadline that passes during a hand-over, the
	 * others one that does not.
	 */
	private static boolean shortTimeout(int seq) {
		return (seq / 4) % 2 == 1;
	}

	private RequestReplyTemplate requester(String replyTopic) {
		ConfigurableApplicationContext context = apps.start(new Class<?>[] { RequesterApp.class },
				"spring.application.name=crash-requesters", "request-reply.reply-topic=" + replyTopic,
				"request-reply.handler.enabled=false");
		return context.getBean(RequestReplyTemplate.class);
	}

	private static Set<Integer> partitions(ForkedJvm responder) throws InterruptedException {
		String answer = responder.ask("assignment", Duration.ofSeconds(10));
		return answer.isEmpty() ? Set.of()
				: Arrays.stream(answer.split(",")).map(Integer::valueOf).collect(Collectors.toSet());
	}

}
