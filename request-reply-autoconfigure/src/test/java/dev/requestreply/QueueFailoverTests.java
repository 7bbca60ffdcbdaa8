package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.requestreply.TestResponders.QueueJobs;
import dev.requestreply.TestResponders.QueueJobsApp;
import dev.requestreply.TestResponders.RequesterApp;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Long jobs in queue mode across a scale-out and a crash: a handler whose jobs outlast the share
 * group's acquisition lock (lowered from 30 s to 3 s for its group), in JVMs of their own. While
 * the first instance lives, its jobs stay its own (the library renews their locks) even with a
 * second instance fetching from the same partition; once it is killed (SIGKILL), the broker
 * releases what it held as its connection drops, and the second instance runs each of those jobs
 * once: one reply per request. The consumer-group counterpart (an instance joining while long
 * jobs run) is {@code MultiInstanceTests#whenAnInstanceJoinsWhileLongJobsRunThenEachRunsOnceAndIsAnsweredOnce}.
 */
@Tag("slow")
class QueueFailoverTests {

	private static final Duration START = Duration.ofSeconds(90);

	// Lowered from 30 s, but not below 6 s: the library renews a lock at half its length, counted
	// from the poll that returned the record, and a renewed record comes back a poll later; with a
	// 3 s lock, a full suite's load once delayed a renewal past the lock, and the holder ran a job
	// twice (a limit of short locks, noted in docs/reliability.md).
	private static final Duration LOCK = Duration.ofSeconds(6);

	private static final int JOBS = 4;

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@RegisterExtension
	final ForkedApps forked = new ForkedApps();

	@Test
	void whenAnInstanceJoinsAndTheFirstIsKilledWhileLongJobsRunThenEachRunsOnceWhileItsOwnerLivesAndIsAnsweredOnce()
			throws Exception {
		String servers = TestBroker.bootstrapServers();
		String topic = TestBroker.createTopic("queue-jobs-requests", 1);
		String group = TestBroker.uniqueTopic("queue-jobs-group");
		String shareGroup = group + "." + topic + ".share";
		lowerLock(shareGroup, LOCK);
		List<String> properties = List.of("test.topic=" + topic, "request-reply.handler.group-id=" + group,
				// One request per share consumer at a time.
				"request-reply.handler.queue-consumers=" + JOBS, "request-reply.handler.max-concurrency=" + JOBS,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("queue-jobs-own-replies"));
		// The first instance's jobs would run 20 s: they are in hand, past their lock, until it is
		// killed; the second instance's run 2.5 s. Both applications start at
		// once, the second with its handlers stopped until it joins.
		ForkedJvm first = this.forked.fork("jobs-1", "jobs", with(properties, "test.job-ms=20000"));
		ForkedJvm second = this.forked.fork("jobs-2", "jobs",
				with(properties, "test.job-ms=2500", "test.join-on-command=true"));
		RequestReplyTemplate template = apps
			.start(new Class<?>[] { RequesterApp.class }, "spring.application.name=queue-jobs-requesters",
					"request-reply.reply-topic=" + TestBroker.uniqueTopic("queue-jobs-replies"),
					"request-reply.handler.enabled=false")
			.getBean(RequestReplyTemplate.class);
		first.await("ready", START);
		second.await("ready", START);
		await().atMost(Duration.ofSeconds(30)).until(() -> QueueModeTests.members(servers, shareGroup) == JOBS);
		List<CompletableFuture<String>> replies = new ArrayList<>();
		for (int job = 0; job < JOBS; job++) {
			replies.add(request(template, topic, "job-" + job));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> first.said("run").size() == JOBS);

		// A second instance joins while the jobs run, and takes new requests from the partition.
		second.ask("join", Duration.ofSeconds(30));
		await().atMost(Duration.ofSeconds(30)).until(() -> QueueModeTests.members(servers, shareGroup) == 2 * JOBS);
		replies.add(request(template, topic, "probe-0"));
		replies.add(request(template, topic, "probe-1"));
		await().atMost(Duration.ofSeconds(30)).until(() -> second.said("run").size() == 2);
		// It fetches for more than a lock while the first instance holds its jobs: none comes to it.
		await().during(LOCK)
			.atMost(LOCK.multipliedBy(2))
			.until(() -> second.said("run").size() == 2 && first.said("done").isEmpty());

		String secondStats = second.ask("stats", Duration.ofSeconds(10));
		long killed = System.currentTimeMillis();
		first.kill();
		for (int i = 0; i < replies.size(); i++) {
			String request = (i < JOBS) ? "job-" + i : "probe-" + (i - JOBS);
			assertThat(replies.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("done:" + request);
		}
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> template.getRegistry().duplicateReplyCount() == 0);

		List<Run> firstRuns = Run.all(first.said("run"));
		List<Run> secondRuns = Run.all(second.said("run"));
		long releasedFirst = secondRuns.stream().filter(Run::isJob).mapToLong((run) -> run.atMillis() - killed).min()
			.orElse(-1);
		long releasedLast = secondRuns.stream().filter(Run::isJob).mapToLong((run) -> run.atMillis() - killed).max()
			.orElse(-1);
		String survivorStats = second.ask("stats", Duration.ofSeconds(10));
		long heldMillis = killed - firstRuns.stream().mapToLong(Run::atMillis).max().orElse(killed);
		TestFigures.report("RELIABILITY queue-long-jobs: %d jobs in hand for %d ms on the killed instance (lock %d ms, "
				+ "renewed), a second instance joined; the survivor started the released jobs %d-%d ms after the "
				+ "kill; runs: killed instance %s, survivor %s; survivor %s; requester: duplicates %d", JOBS,
				heldMillis, LOCK.toMillis(), releasedFirst, releasedLast, firstRuns, secondRuns, survivorStats,
				template.getRegistry().duplicateReplyCount());
		// While the first instance lived, each job ran once, there, longer than its lock.
		assertThat(heldMillis).isGreaterThan(LOCK.toMillis());
		assertThat(secondStats).contains("redelivered=0");
		assertThat(firstRuns).extracting(Run::request).containsExactlyInAnyOrder(jobs());
		assertThat(first.said("done")).isEmpty();
		assertThat(secondRuns).filteredOn((run) -> run.atMillis() < killed)
			.extracting(Run::request)
			.containsExactlyInAnyOrder("probe-0", "probe-1");
		// Released by the broker at the kill, each ran once more, on the survivor.
		assertThat(secondRuns).filteredOn((run) -> run.atMillis() >= killed)
			.extracting(Run::request)
			.containsExactlyInAnyOrder(jobs());
		assertThat(survivorStats).contains("redelivered=" + JOBS);
		// At the dead member's connection drop, or at the latest the lock's end, plus a poll.
		assertThat(releasedLast).isLessThan(LOCK.toMillis() + 2_000);
		assertThat(template.getRegistry().pendingCount()).isZero();
	}

	@Test
	void whenEachShareConsumerHoldsTwoJobsLongerThanTheLockAndMoreWaitThenEachJobRunsOnce() throws Exception {
		String topic = TestBroker.createTopic("queue-pairs-requests", 1);
		String group = TestBroker.uniqueTopic("queue-pairs-group");
		String shareGroup = group + "." + topic + ".share";
		Duration lock = Duration.ofSeconds(2);
		lowerLock(shareGroup, lock);
		// Two share consumers taking two requests each; jobs of a lock and a half, renewed.
		ConfigurableApplicationContext responder = apps.start(new Class<?>[] { QueueJobsApp.class },
				"test.topic=" + topic, "request-reply.handler.group-id=" + group,
				"request-reply.handler.queue-consumers=2", "request-reply.handler.max-concurrency=4",
				"test.job-ms=" + lock.multipliedBy(3).dividedBy(2).toMillis(),
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("queue-pairs-own-replies"));
		RequestReplyTemplate template = apps
			.start(new Class<?>[] { RequesterApp.class }, "spring.application.name=queue-pairs-requesters",
					"request-reply.reply-topic=" + TestBroker.uniqueTopic("queue-pairs-replies"),
					"request-reply.handler.enabled=false")
			.getBean(RequestReplyTemplate.class);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> QueueModeTests.members(TestBroker.bootstrapServers(), shareGroup) == 2);
		int jobs = 7;
		List<CompletableFuture<String>> replies = new ArrayList<>();
		for (int job = 0; job < jobs; job++) {
			replies.add(request(template, topic, "job-" + job));
		}
		for (int job = 0; job < jobs; job++) {
			assertThat(replies.get(job).get(30, TimeUnit.SECONDS)).isEqualTo("done:job-" + job);
		}
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(3))
			.until(() -> template.getRegistry().duplicateReplyCount() == 0);
		QueueJobs handler = responder.getBean(QueueJobs.class);
		ReplyHandlerStats stats = responder.getBean(ReplyHandlerContainers.class).getStats().values().iterator().next();
		TestFigures.report("RELIABILITY queue-pairs: %d jobs of %d ms, 2 share consumers of 2 requests each, lock %d ms:"
				+ " runs %s, redelivered %d, handled %d, copies of finished ones accepted %d", jobs,
				lock.multipliedBy(3).dividedBy(2).toMillis(), lock.toMillis(), handler.runs, stats.redelivered(),
				stats.handled(), stats.alreadyFinished());
		// Waiting jobs that a share client kept in its buffer past their lock come out of two
		// consumers' polls (redelivered): each still runs once.
		assertThat(handler.runs).hasSize(jobs).allSatisfy((job, runs) -> assertThat(runs).as(job).hasValue(1));
		assertThat(stats.handled()).isEqualTo(jobs);
	}

	private static CompletableFuture<String> request(RequestReplyTemplate template, String topic, String job) {
		return template.request(new ProducerRecord<>(topic, job), String.class, Duration.ofSeconds(60));
	}

	private static String[] jobs() {
		String[] jobs = new String[JOBS];
		for (int job = 0; job < JOBS; job++) {
			jobs[job] = "job-" + job;
		}
		return jobs;
	}

	private static List<String> with(List<String> properties, String... more) {
		List<String> all = new ArrayList<>(properties);
		all.addAll(List.of(more));
		return all;
	}

	// Before the group's first member joins: every acquisition of the group then holds its record
	// for LOCK unless renewed.
	private static void lowerLock(String shareGroup, Duration lock) {
		ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, shareGroup);
		TestBroker.get().doWithAdmin((admin) -> {
			try {
				admin.incrementalAlterConfigs(Map.of(group,
						List.of(new AlterConfigOp(new ConfigEntry("share.record.lock.duration.ms",
								String.valueOf(lock.toMillis())), AlterConfigOp.OpType.SET))))
					.all()
					.get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException("Could not lower the lock of " + shareGroup, ex);
			}
		});
	}

	/**
	 * One start of a job, as its handler printed it: {@code <request> <epoch ms>}.
	 */
	private record Run(String request, long atMillis) {

		static List<Run> all(List<String> lines) {
			return lines.stream().map((line) -> line.split(" ")).map((parts) -> new Run(parts[0], Long.parseLong(parts[1])))
				.toList();
		}

		boolean isJob() {
			return this.request.startsWith("job-");
		}

		@Override
		public String toString() {
			return this.request;
		}

	}

}
