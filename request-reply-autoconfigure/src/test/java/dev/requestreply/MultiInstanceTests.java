package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.TestResponders.Echo;
import dev.requestreply.TestResponders.EchoApp;
import dev.requestreply.TestResponders.RequesterApp;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.responder.LoopRecorder;
import dev.requestreply.responder.core.CommitMetadata;
import dev.requestreply.responder.core.Partition;
import dev.requestreply.responder.core.ResponderEvent;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Several requester and responder instances sharing topics on one broker.
 */
class MultiInstanceTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private ConfigurableApplicationContext requester(String replyTopic, String... more) {
		List<String> properties = new ArrayList<>(List.of("spring.application.name=requesters",
				"request-reply.reply-topic=" + replyTopic, "request-reply.handler.enabled=false"));
		properties.addAll(List.of(more));
		ConfigurableApplicationContext context = apps.start(new Class<?>[] { RequesterApp.class },
				properties.toArray(String[]::new));
		return context;
	}

	private ConfigurableApplicationContext responder(String topic) {
		ConfigurableApplicationContext context = apps.startAssigned(new Class<?>[] { EchoApp.class },
				"spring.application.name=responders", "test.topic=" + topic,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("responder-own-replies"));
		return context;
	}

	@Test
	void whenThreeRequestersShareReplyTopicThenEachGetsOnlyItsOwnReplies() throws Exception {
		String topic = TestBroker.createTopic("shared-requests", 3);
		String replyTopic = TestBroker.uniqueTopic("shared-replies");
		responder(topic);
		List<RequestReplyTemplate> templates = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			templates.add(requester(replyTopic, "request-reply.reply-topic-partitions=2", "request-reply.reply-partitions=all")
				.getBean(RequestReplyTemplate.class));
		}
		List<List<CompletableFuture<String>>> futures = new ArrayList<>();
		for (int r = 0; r < 3; r++) {
			List<CompletableFuture<String>> own = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				own.add(templates.get(r).request(topic, "r" + r + "-" + i, String.class, Duration.ofSeconds(30)));
			}
			futures.add(own);
		}
		for (int r = 0; r < 3; r++) {
			for (int i = 0; i < 100; i++) {
				assertThat(futures.get(r).get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:r" + r + "-" + i);
			}
		}
		for (RequestReplyTemplate template : templates) {
			await().atMost(Duration.ofSeconds(10)).until(() -> template.getRegistry().foreignReplyCount() == 200);
			assertThat(template.getRegistry().completedCount()).isEqualTo(100);
			assertThat(template.getRegistry().duplicateReplyCount()).isZero();
			assertThat(template.getRegistry().lateReplyCount()).isZero();
			assertThat(template.getRegistry().pendingCount()).isZero();
		}
	}

	@Test
	void whenTwoRespondersShareTopicThenEachRequestIsHandledOnce() throws Exception {
		String topic = TestBroker.createTopic("split-requests", 4);
		ConfigurableApplicationContext first = responder(topic);
		ConfigurableApplicationContext second = responder(topic);
		await().atMost(Duration.ofSeconds(30)).until(() -> TestApps.assignedPartitions(first) + TestApps.assignedPartitions(second) == 4
				&& TestApps.assignedPartitions(first) > 0 && TestApps.assignedPartitions(second) > 0);
		RequestReplyTemplate template = requester(TestBroker.uniqueTopic("split-replies"))
			.getBean(RequestReplyTemplate.class);
		List<CompletableFuture<String>> futures = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			futures.add(template.request(new ProducerRecord<>(topic, "key-" + i, "p" + i), String.class,
					Duration.ofSeconds(30)));
		}
		for (int i = 0; i < 200; i++) {
			assertThat(futures.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("echo:p" + i);
		}
		int handledByFirst = first.getBean(Echo.class).gate.arrived();
		int handledBySecond = second.getBean(Echo.class).gate.arrived();
		assertThat(handledByFirst + handledBySecond).isEqualTo(200);
		assertThat(handledByFirst).isPositive();
		assertThat(handledBySecond).isPositive();
	}

	@Test
	void whenRequestSentBeforeAnyResponderThenItIsAnsweredOnceOneStarts() throws Exception {
		String topic = TestBroker.uniqueTopic("early-requests");
		RequestReplyTemplate template = requester(TestBroker.uniqueTopic("early-replies"))
			.getBean(RequestReplyTemplate.class);
		CompletableFuture<String> early = template.request(topic, "early", String.class, Duration.ofSeconds(60));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> topicExists(topic));
		assertThat(early).isNotDone();
		responder(topic);
		assertThat(early.get(30, TimeUnit.SECONDS)).isEqualTo("echo:early");
	}

	private static boolean topicExists(String topic) {
		return TestBroker.get().doWithAdminFunction((admin) -> {
			try {
				return admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic);
			}
			catch (Exception ex) {
				return false;
			}
		});
	}

	@Test
	void whenStoppedWithPendingRequestsThenTheirFuturesFail() throws Exception {
		ConfigurableApplicationContext context = requester(TestBroker.uniqueTopic("stop-replies"));
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		String nobodyListens = TestBroker.uniqueTopic("unanswered");
		List<CompletableFuture<String>> futures = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			futures.add(template.request(nobodyListens, "q" + i, String.class, Duration.ofMinutes(5)));
		}
		context.close();
		for (CompletableFuture<String> future : futures) {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(RequestReplyException.class)
				.withMessageContaining("stopped");
		}
		assertThat(template.getRegistry().pendingCount()).isZero();
		assertThat(template.request(nobodyListens, "late", String.class)).isCompletedExceptionally();
	}

	@Test
	void whenStoppedWithDrainTimeoutThenPendingRepliesStillArrive() throws Exception {
		String topic = TestBroker.uniqueTopic("drain-requests");
		ConfigurableApplicationContext responder = responder(topic);
		Echo echo = responder.getBean(Echo.class);
		echo.gate.hold();
		ConfigurableApplicationContext requester = requester(TestBroker.uniqueTopic("drain-replies"),
				"request-reply.drain-timeout=20s");
		RequestReplyTemplate template = requester.getBean(RequestReplyTemplate.class);
		CompletableFuture<String> pending = template.request(topic, "drained", String.class, Duration.ofSeconds(30));
		echo.gate.awaitWaiting(1);
		CompletableFuture<Void> closing = CompletableFuture.runAsync(requester::close);
		await().atMost(Duration.ofSeconds(10)).until(() -> !template.isAccepting());
		assertThat(pending).isNotDone();
		echo.gate.release();
		assertThat(pending.get(30, TimeUnit.SECONDS)).isEqualTo("echo:drained");
		closing.get(30, TimeUnit.SECONDS);
	}

	@Test
	void whenAnInstanceJoinsWhileLongJobsRunThenEachRunsOnceAndIsAnsweredOnce() throws Exception {
		Rebalance trial = new Rebalance("long-jobs");
		for (int job = 0; job < JOBS; job++) {
			assertThat(trial.replies.get(job).get(30, TimeUnit.SECONDS)).isEqualTo("done:job-" + job);
		}
		// A job run again by the partition's new owner would start once it has the partition.
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(trial.runs()).containsOnlyKeys(trial.jobs()).allSatisfy((job, runs) -> assertThat(runs).isOne());
			assertThat(trial.template.getRegistry().duplicateReplyCount()).isZero();
		});
		ReplyHandlerStats stats = stats(trial.first);
		assertThat(stats.revokeFinished()).isPositive();
		assertThat(stats.revokeCancelled()).isZero();
		assertThat(trial.firstJobs.cancelled).hasValue(0);
	}

	@Test
	void whenLongJobsOutlastTheRevokeGraceThenTheOldOwnerCancelsThemAndEachIsAnsweredOnce() throws Exception {
		Rebalance trial = new Rebalance("outlasting-jobs", "request-reply.handler.revoke-grace=300ms");
		for (int job = 0; job < JOBS; job++) {
			assertThat(trial.replies.get(job).get(30, TimeUnit.SECONDS)).isEqualTo("done:job-" + job);
		}
		ReplyHandlerStats stats = stats(trial.first);
		assertThat(stats.revokeCancelled()).isPositive();
		// Each cancelled run ran its onCancel actions, sent no reply, and ran again once.
		assertThat(trial.firstJobs.cancelled).hasValue((int) stats.revokeCancelled());
		assertThat(trial.runs().values().stream().mapToInt(Integer::intValue).sum())
			.isEqualTo(JOBS + stats.revokeCancelled());
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
			.untilAsserted(() -> assertThat(trial.template.getRegistry().duplicateReplyCount()).isZero());
		// The events the first instance's loop took (jobs running through a revocation) keep every
		// invariant of the simulation.
		assertThat(LoopRecorder.replay(trial.first.getBean(ReplyHandlerContainers.class), "slowJobs.run",
				trial.firstEvents)).isGreaterThan(JOBS * 3);
		assertThat(trial.firstEvents).hasAtLeastOneElementOfType(ResponderEvent.Revoked.class);
	}

	@Test
	void whenAPartitionIsRevokedWithRequestsRunningBelowFinishedOnesThenTheCallbackCommitsItsCoresLastCommitAndTheNewOwnerRunsOnlyTheUnfinished()
			throws Exception {
		String topic = TestBroker.createTopic("revoke-commit-requests", 2);
		String groupPrefix = TestBroker.uniqueTopic("revoke-commit-group");
		// The handler's group: the prefix and its topic.
		String group = groupPrefix + "." + topic;
		List<String> properties = new ArrayList<>(List.of("test.topic=" + topic,
				"request-reply.handler.group-id=" + groupPrefix,
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("revoke-commit-own-replies"),
				"request-reply.handler.revoke-grace=300ms",
				// Members learn of each round of the rebalance sooner than with the handlers' 2 s.
				"request-reply.handler.consumer-properties.heartbeat.interval.ms=300"));
		// The first instance commits once, then once a minute: what it decides after its first commit
		// reaches the group only through the revoke callback.
		ConfigurableApplicationContext first = apps.startAssigned(new Class<?>[] { HeldJobsApp.class },
				withInstance(properties, "first", "request-reply.handler.commit-interval=1m"));
		ReplyHandlerContainers firstContainers = first.getBean(ReplyHandlerContainers.class);
		HeldJobs firstJobs = first.getBean(HeldJobs.class);
		firstJobs.gate.hold();
		List<ResponderEvent> events = LoopRecorder.record(firstContainers, "heldJobs.run");
		TestGroupOffsets offsets = apps.closing(new TestGroupOffsets());
		RequestReplyTemplate template = requester(TestBroker.uniqueTopic("revoke-commit-replies"))
			.getBean(RequestReplyTemplate.class);
		// A first request: the one commit the interval lets out at once goes (for it, or for the
		// assignment); from here on, every commit the first instance decides waits a minute.
		assertThat(template.request(new ProducerRecord<>(topic, 0, null, "first-one"), String.class)
			.get(10, TimeUnit.SECONDS)).isEqualTo("first:first-one");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> offsets.committed(group).containsKey(new TopicPartition(topic, 0)));
		// On each partition: a request runs until released, the one after it finishes.
		long[] heldOffsets = { 1, 0 };
		List<CompletableFuture<String>> held = new ArrayList<>();
		for (int partition = 0; partition < 2; partition++) {
			held.add(template.request(new ProducerRecord<>(topic, partition, null, "held-" + partition), String.class,
					Duration.ofSeconds(30)));
			firstJobs.gate.awaitWaiting(partition + 1);
			assertThat(template.request(new ProducerRecord<>(topic, partition, null, "quick-" + partition), String.class)
				.get(10, TimeUnit.SECONDS)).isEqualTo("first:quick-" + partition);
		}
		// Both decided with a started mark (the held ones have run a second), none committed yet.
		await().atMost(Duration.ofSeconds(10)).until(() -> LoopRecorder.decided(firstContainers, "heldJobs.run", events)
			.entrySet()
			.stream()
			.filter((decided) -> decided.getValue().offset() == heldOffsets[decided.getKey().partition()]
					&& decided.getValue().metadata().startsWith(CommitMetadata.STARTED_PREFIX))
			.count() == 2);
		Map<TopicPartition, OffsetAndMetadata> before = offsets.committed(group);
		// The second instance joins, its own method held: it finishes nothing before the check.
		ConfigurableApplicationContext second = apps.startAssigned(new Class<?>[] { HeldJobsApp.class },
				withInstance(properties, "second", "test.held-from-start=true"));
		HeldJobs secondJobs = second.getBean(HeldJobs.class);
		TopicPartition moved = assigned(second).iterator().next();
		Map<TopicPartition, OffsetAndMetadata> committed = offsets.committed(group);
		try {
			Map<TopicPartition, OffsetAndMetadata> decided = LoopRecorder.decided(firstContainers, "heldJobs.run",
					events);
			assertThat(committed.get(moved)).as(() -> "the revoked partition's commit; events:\n" + lines(events))
				.isEqualTo(decided.get(moved))
				.isNotEqualTo(before.get(moved));
			long heldOffset = heldOffsets[moved.partition()];
			assertThat(committed.get(moved).offset()).isEqualTo(heldOffset);
			assertThat(CommitMetadata.decode(heldOffset, committed.get(moved).metadata()).contains(heldOffset + 1))
				.isTrue();
			assertThat(events).anySatisfy((event) -> assertThat(event).isInstanceOfSatisfying(
					ResponderEvent.Revoked.class, (revoked) -> assertThat(revoked.partitions())
						.contains(new Partition(moved.topic(), moved.partition()))));
		}
		finally {
			secondJobs.gate.release();
			firstJobs.gate.release();
		}
		// The unfinished one answered by the new owner, the finished one not run again.
		int movedNumber = moved.partition();
		assertThat(held.get(movedNumber).get(10, TimeUnit.SECONDS)).isEqualTo("second:held-" + movedNumber);
		assertThat(held.get(1 - movedNumber).get(10, TimeUnit.SECONDS)).isEqualTo("first:held-" + (1 - movedNumber));
		// The new owner commits to the partition's end (the first's kept partition waits for its interval).
		await().atMost(Duration.ofSeconds(10))
			.until(() -> offsets.committed(group).get(moved).offset() == heldOffsets[movedNumber] + 2);
		assertThat(secondJobs.runs).containsOnlyKeys("held-" + movedNumber);
		assertThat(secondJobs.runs.get("held-" + movedNumber)).hasValue(1);
		assertThat(template.getRegistry().duplicateReplyCount()).isZero();
		assertThat(LoopRecorder.replay(firstContainers, "heldJobs.run", events)).isGreaterThanOrEqualTo(8);
	}

	private static String[] withInstance(List<String> properties, String... more) {
		List<String> all = new ArrayList<>(properties);
		all.add("test.instance=" + more[0]);
		all.addAll(List.of(more).subList(1, more.length));
		return all.toArray(String[]::new);
	}

	private static Collection<TopicPartition> assigned(ConfigurableApplicationContext context) {
		Collection<TopicPartition> assigned = context.getBean(ReplyHandlerContainers.class)
			.getContainers()
			.get(0)
			.getAssignedPartitions();
		assertThat(assigned).hasSize(1);
		return assigned;
	}

	private static String lines(List<ResponderEvent> events) {
		return String.join("\n", events.stream().map(String::valueOf).toList());
	}

	private static ReplyHandlerStats stats(ConfigurableApplicationContext context) {
		return context.getBean(ReplyHandlerContainers.class).getStats().get("slowJobs.run");
	}

	private static final int JOBS = 4;

	/**
	 * The trial of a rebalance under long jobs: {@value #JOBS} jobs of 3 s, one per partition, in
	 * hand on a first instance when a second one joins its group.
	 */
	private final class Rebalance {

		final ConfigurableApplicationContext first;

		final SlowJobs firstJobs;

		final SlowJobs secondJobs;

		final RequestReplyTemplate template;

		final List<CompletableFuture<String>> replies = new ArrayList<>();

		// What the first instance's handler loop took, from before the jobs came.
		final List<ResponderEvent> firstEvents;

		Rebalance(String name, String... more) {
			String topic = TestBroker.createTopic(name + "-requests", JOBS);
			List<String> properties = new ArrayList<>(List.of("test.topic=" + topic,
					"request-reply.handler.group-id=" + TestBroker.uniqueTopic(name + "-group"),
					"request-reply.reply-topic=" + TestBroker.uniqueTopic(name + "-own-replies")));
			properties.addAll(List.of(more));
			this.first = apps.startAssigned(new Class<?>[] { SlowJobsApp.class }, properties.toArray(String[]::new));
			this.firstJobs = this.first.getBean(SlowJobs.class);
			this.firstEvents = LoopRecorder.record(this.first.getBean(ReplyHandlerContainers.class), "slowJobs.run");
			this.template = requester(TestBroker.uniqueTopic(name + "-replies")).getBean(RequestReplyTemplate.class);
			for (int job = 0; job < JOBS; job++) {
				this.replies.add(this.template.request(new ProducerRecord<>(topic, job, null, "job-" + job), String.class,
						Duration.ofSeconds(30)));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> this.firstJobs.runs.size() == JOBS);
			ConfigurableApplicationContext second = apps.startAssigned(new Class<?>[] { SlowJobsApp.class },
					properties.toArray(String[]::new));
			this.secondJobs = second.getBean(SlowJobs.class);
		}

		List<String> jobs() {
			List<String> jobs = new ArrayList<>();
			for (int job = 0; job < JOBS; job++) {
				jobs.add("job-" + job);
			}
			return jobs;
		}

		// Runs per job (its payload names it), across both instances.
		Map<String, Integer> runs() {
			Map<String, Integer> runs = new ConcurrentHashMap<>();
			for (SlowJobs jobs : List.of(this.firstJobs, this.secondJobs)) {
				jobs.runs.forEach((job, count) -> runs.merge(job, count.get(), Integer::sum));
			}
			return runs;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class HeldJobsApp {

		@Bean
		HeldJobs heldJobs(Environment environment) {
			return new HeldJobs(environment.getRequiredProperty("test.instance"),
					environment.getProperty("test.held-from-start", Boolean.class, false));
		}

	}

	/**
	 * Jobs on {@code ${test.topic}} answered with the instance's name: those named {@code held-*}
	 * wait at its gate. Counts its runs per job.
	 */
	static class HeldJobs {

		final TestGate gate = new TestGate();

		final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

		private final String instance;

		HeldJobs(String instance, boolean heldFromStart) {
			this.instance = instance;
			if (heldFromStart) {
				this.gate.hold();
			}
		}

		@ReplyHandler(topics = "${test.topic}", ordering = ReplyHandler.Ordering.NONE)
		String run(String job) throws InterruptedException {
			this.runs.computeIfAbsent(job, (first) -> new AtomicInteger()).incrementAndGet();
			if (job.startsWith("held")) {
				this.gate.pass();
			}
			return this.instance + ":" + job;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SlowJobsApp {

		@Bean
		SlowJobs slowJobs() {
			return new SlowJobs();
		}

	}

	/**
	 * Jobs of 3 s on {@code ${test.topic}}: counts its runs per job and the runs cancelled.
	 */
	static class SlowJobs {

		final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

		final AtomicInteger cancelled = new AtomicInteger();

		@ReplyHandler(topics = "${test.topic}")
		String run(String job, ReplyContext context) throws InterruptedException {
			this.runs.computeIfAbsent(job, (first) -> new AtomicInteger()).incrementAndGet();
			context.onCancel(this.cancelled::incrementAndGet);
			// The job's work.
			Thread.sleep(3_000);
			return "done:" + job;
		}

	}

}
