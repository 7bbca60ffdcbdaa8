package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.requestreply.actuate.DurableRequestsDescriptor;
import dev.requestreply.durable.DurableRequests;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Durable requests: their outcomes reach a listener of the application on whichever instance runs
 * when they arrive.
 */
class DurableRequestsTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void whenRequesterStopsBeforeTheRepliesThenAnotherInstanceDeliversEveryOutcomeWithItsContext() throws Exception {
		String topic = TestBroker.createTopic("durable-requests", 2);
		Slow slow = responder(topic).getBean(Slow.class);
		slow.gate.hold();
		String application = TestBroker.uniqueTopic("durable-app");
		ConfigurableApplicationContext first = instance(application);
		ConfigurableApplicationContext second = instance(application);
		RequestReplyTemplate template = first.getBean(RequestReplyTemplate.class);
		Outcomes firstOutcomes = first.getBean(Outcomes.class);
		List<DurableRequest> requests = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			requests.add(template.submit(topic, "job" + i,
					DurableOptions.kind("report").context("job", "job" + i).timeout(Duration.ofMinutes(5))));
		}
		for (DurableRequest request : requests) {
			request.accepted().get(10, TimeUnit.SECONDS);
		}
		slow.gate.awaitWaiting(3);
		first.close();
		DurableRequests durable = second.getBean(DurableRequests.class);
		// Restored by the instance left: pending by kind, the oldest's age, in the endpoint's section.
		await().atMost(WAIT).until(() -> durable.getPendingByKind().equals(Map.of("report", 3)));
		assertThat(DurableRequestsDescriptor.of(durable).oldestPendingAgeMillis()).isPositive();
		slow.gate.release();
		Outcomes outcomes = second.getBean(Outcomes.class);
		for (int i = 0; i < 3; i++) {
			DurableOutcome<String> outcome = outcomes.next();
			assertThat(outcome).isInstanceOf(DurableOutcome.Replied.class);
			String job = outcome.context().get("job");
			assertThat(((DurableOutcome.Replied<String>) outcome).reply()).isEqualTo("done:" + job);
			assertThat(outcome.kind()).isEqualTo("report");
			assertThat(outcome.deliveryAttempt()).isEqualTo(1);
			assertThat(requests.stream().map(DurableRequest::id)).contains(outcome.id());
		}
		assertThat(firstOutcomes.received).isEmpty();
		await().atMost(WAIT)
			.until(() -> durable.getOutcomes("report", "replied") == 3 && durable.getPendingCount() == 0
					&& durable.getRestoringPartitions() == 0 && durable.getLastRestoreTime() != null);
	}

	@Test
	void whenHandlerFailsThenOutcomeIsFailedWithItsCode() throws Exception {
		String topic = TestBroker.createTopic("durable-failing", 1);
		responder(topic);
		ConfigurableApplicationContext instance = instance(TestBroker.uniqueTopic("durable-app"));
		DurableRequest request = instance.getBean(RequestReplyTemplate.class)
			.submit(topic, "missing", DurableOptions.kind("report"));
		request.accepted().get(10, TimeUnit.SECONDS);
		DurableOutcome<String> outcome = instance.getBean(Outcomes.class).next();
		assertThat(outcome).isInstanceOf(DurableOutcome.Failed.class);
		DurableOutcome.Failed<String> failed = (DurableOutcome.Failed<String>) outcome;
		assertThat(failed.errorCode()).isEqualTo(ReplyErrorCodes.NOT_FOUND);
		assertThat(failed.errorType()).isEqualTo(NoSuchJobException.class.getName());
		assertThat(failed.id()).isEqualTo(request.id());
	}

	@Test
	void whenDeadlinePassedWhileNoInstanceRanThenNextInstanceEndsItTimedOutAndCancelsTheRequest() throws Exception {
		String topic = TestBroker.createTopic("durable-unanswered", 1);
		String application = TestBroker.uniqueTopic("durable-app");
		ConfigurableApplicationContext first = instance(application);
		Outcomes firstOutcomes = first.getBean(Outcomes.class);
		long submittedAt = System.currentTimeMillis();
		DurableRequest request = first.getBean(RequestReplyTemplate.class)
			.submit(topic, "job", DurableOptions.kind("report").timeout(Duration.ofSeconds(2)).context("job", "late"));
		request.accepted().get(10, TimeUnit.SECONDS);
		first.close();
		assertThat(firstOutcomes.received).isEmpty();
		await().atMost(WAIT).until(() -> System.currentTimeMillis() > submittedAt + 2_000);
		ConfigurableApplicationContext second = instance(application);
		DurableOutcome<String> outcome = second.getBean(Outcomes.class).next();
		assertThat(outcome).isInstanceOf(DurableOutcome.TimedOut.class);
		assertThat(outcome.id()).isEqualTo(request.id());
		assertThat(outcome.context()).isEqualTo(Map.of("job", "late"));
		assertThat(((DurableOutcome.TimedOut<String>) outcome).deadline().toEpochMilli())
			.isBetween(submittedAt + 2_000, System.currentTimeMillis());
		byte[] correlationId = CorrelationId.parse(request.id()).toBytes();
		await().atMost(WAIT)
			.until(() -> TestBroker.readAll(topic)
				.stream()
				.anyMatch((record) -> record.headers().lastHeader("rr_cancel") != null
						&& Arrays.equals(record.headers().lastHeader(KafkaHeaders.CORRELATION_ID).value(),
								correlationId)));
	}

	@Test
	void whenSubmittedWithoutTimeoutThenTheDefaultTimeoutEndsItTimedOut() throws Exception {
		String topic = TestBroker.createTopic("durable-default-timeout", 1);
		ConfigurableApplicationContext instance = instance(TestBroker.uniqueTopic("durable-app"),
				"request-reply.durable.default-timeout=1s");
		long submittedAt = System.currentTimeMillis();
		DurableRequest request = instance.getBean(RequestReplyTemplate.class)
			.submit(topic, "job", DurableOptions.kind("report"));
		request.accepted().get(10, TimeUnit.SECONDS);
		DurableOutcome<String> outcome = instance.getBean(Outcomes.class).next();
		assertThat(outcome).isInstanceOf(DurableOutcome.TimedOut.class);
		assertThat(outcome.id()).isEqualTo(request.id());
		long deadline = ((DurableOutcome.TimedOut<String>) outcome).deadline().toEpochMilli();
		assertThat(deadline).isBetween(submittedAt + 1_000, submittedAt + 1_000 + 10_000);
	}

	@Test
	void whenPendingRequestIsCancelledFromAnotherInstanceThenItEndsCancelledAndItsResponderIsTold() throws Exception {
		String topic = TestBroker.createTopic("durable-cancel", 1);
		Slow slow = responder(topic).getBean(Slow.class);
		slow.gate.hold();
		try {
			String application = TestBroker.uniqueTopic("durable-app");
			ConfigurableApplicationContext first = instance(application);
			ConfigurableApplicationContext second = instance(application);
			DurableRequest request = first.getBean(RequestReplyTemplate.class)
				.submit(topic, "long", DurableOptions.kind("report").context("job", "long"));
			request.accepted().get(10, TimeUnit.SECONDS);
			slow.gate.awaitWaiting(1);
			RequestReplyTemplate other = second.getBean(RequestReplyTemplate.class);
			assertThat(other.cancelDurable(request.id())).isTrue();
			DurableOutcome<String> outcome = next(first.getBean(Outcomes.class), second.getBean(Outcomes.class));
			assertThat(outcome).isInstanceOf(DurableOutcome.Cancelled.class);
			assertThat(outcome.id()).isEqualTo(request.id());
			assertThat(outcome.context()).isEqualTo(Map.of("job", "long"));
			await().atMost(WAIT).until(() -> slow.cancelled.contains("long"));
			assertThat(other.cancelDurable(request.id())).isFalse();
		}
		finally {
			slow.gate.release();
		}
	}

	private static DurableOutcome<String> next(Outcomes... instances) {
		AtomicReference<DurableOutcome<String>> outcome = new AtomicReference<>();
		await().atMost(WAIT).until(() -> {
			for (Outcomes instance : instances) {
				DurableOutcome<String> received = instance.received.poll();
				if (received != null) {
					outcome.set(received);
					return true;
				}
			}
			return false;
		});
		return outcome.get();
	}

	@Test
	void whenListenerThrowsThenItIsCalledAgainUpToThreeTimesThenTheOutcomeEndsCounted() throws Exception {
		String topic = TestBroker.createTopic("durable-unanswered", 1);
		ConfigurableApplicationContext instance = instance(TestBroker.uniqueTopic("durable-app"));
		RequestReplyTemplate template = instance.getBean(RequestReplyTemplate.class);
		DurableRequest recovers = template.submit(topic, "job",
				DurableOptions.kind("flaky").timeout(Duration.ofMillis(500)));
		DurableRequest fails = template.submit(topic, "job",
				DurableOptions.kind("flaky").timeout(Duration.ofMillis(500)).context("always", "true"));
		recovers.accepted().get(10, TimeUnit.SECONDS);
		fails.accepted().get(10, TimeUnit.SECONDS);
		Outcomes outcomes = instance.getBean(Outcomes.class);
		List<DurableOutcome<String>> calls = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			DurableOutcome<String> call = outcomes.flaky.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(call).as("listener call " + (i + 1)).isNotNull();
			calls.add(call);
		}
		assertThat(calls).allMatch((call) -> call instanceof DurableOutcome.TimedOut);
		assertThat(calls.stream().filter((call) -> call.id().equals(recovers.id())).map(DurableOutcome::deliveryAttempt))
			.containsExactly(1, 2, 3);
		assertThat(calls.stream().filter((call) -> call.id().equals(fails.id())).map(DurableOutcome::deliveryAttempt))
			.containsExactly(1, 2, 3);
		DurableRequests durable = instance.getBean(DurableRequests.class);
		await().atMost(WAIT).until(() -> durable.getListenerFailures() == 1 && durable.getOutcomes("timed_out") == 2
				&& durable.getPendingCount() == 0);
		assertThat(outcomes.flaky.poll(500, TimeUnit.MILLISECONDS)).isNull();
	}

	@Test
	void whenOwnerLacksTheKindsListenerThenTheOutcomeWaitsUncommittedAndAnInstanceWithItDeliversItOnce()
			throws Exception {
		String application = TestBroker.uniqueTopic("durable-app");
		// The old version of a rolling deploy: no listener of kind 'audit'.
		ConfigurableApplicationContext old = instance(application);
		String audit = UUID.randomUUID().toString();
		String report = UUID.randomUUID().toString();
		KafkaTemplate<byte[], byte[]> raw = TestBroker.rawTemplate(TestBroker.bootstrapServers());
		try {
			long deadline = System.currentTimeMillis() + Duration.ofMinutes(5).toMillis();
			for (String[] request : new String[][] { { audit, "audit" }, { report, "report" } }) {
				raw.send(application + "-durable-pending", 0, request[0].getBytes(StandardCharsets.UTF_8),
						pendingState(request[1], deadline))
					.get(10, TimeUnit.SECONDS);
			}
			// Replies on the same durable partition: the audit's first, at offset 0.
			for (String id : List.of(audit, report)) {
				ProducerRecord<byte[], byte[]> reply = new ProducerRecord<>(application + "-durable-replies", 0, null,
						("done:" + id).getBytes(StandardCharsets.UTF_8));
				reply.headers().add(KafkaHeaders.CORRELATION_ID, CorrelationId.parse(id).toBytes());
				raw.send(reply).get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			((DefaultKafkaProducerFactory<byte[], byte[]>) raw.getProducerFactory()).destroy();
		}
		// The report's outcome does not wait behind the audit's.
		DurableOutcome<String> delivered = old.getBean(Outcomes.class).next();
		assertThat(delivered.id()).isEqualTo(report);
		DurableRequests oldDurable = old.getBean(DurableRequests.class);
		await().atMost(WAIT).until(() -> oldDurable.getPendingCount() == 1);
		try (TestGroupOffsets offsets = new TestGroupOffsets()) {
			OffsetAndMetadata committed = offsets.committed(application + "-durable")
				.get(new TopicPartition(application + "-durable-replies", 0));
			assertThat((committed != null) ? committed.offset() : 0).as("committed offset").isZero();
		}
		assertThat(oldDurable.getUnknownReplies()).isZero();
		// The new version starts, the old one stops: the new one owns every partition.
		ConfigurableApplicationContext current = apps.start(new Class<?>[] { DurableApp.class, AuditApp.class },
				"spring.application.name=" + application, "request-reply.handler.enabled=false",
				"request-reply.durable.topic-partitions=2");
		old.close();
		Audits audits = current.getBean(Audits.class);
		DurableOutcome<String> outcome = audits.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(outcome).isInstanceOf(DurableOutcome.Replied.class);
		assertThat(outcome.id()).isEqualTo(audit);
		assertThat(((DurableOutcome.Replied<String>) outcome).reply()).isEqualTo("done:" + audit);
		DurableRequests durable = current.getBean(DurableRequests.class);
		await().atMost(WAIT).until(() -> durable.getPendingCount() == 0 && durable.getOutcomes("replied") == 1);
		assertThat(current.getBean(Outcomes.class).received.poll(500, TimeUnit.MILLISECONDS)).as("report again")
			.isNull();
		assertThat(audits.received).isEmpty();
	}

	@Test
	void whenAPartitionRestoresThenReadinessIsOutOfServiceAndLivenessUpUntilItEnds() throws Exception {
		String application = TestBroker.uniqueTopic("durable-app");
		String replies = TestBroker.createTopic("durable-restore-replies", 2);
		String pending = TestBroker.createTopic("durable-restore-durable-pending", 2);
		KafkaTemplate<byte[], byte[]> raw = TestBroker.rawTemplate(TestBroker.bootstrapServers());
		try {
			for (int partition = 0; partition < 2; partition++) {
				raw.send(pending, partition, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8),
						pendingState("report", System.currentTimeMillis() + Duration.ofMinutes(5).toMillis()))
					.get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			((DefaultKafkaProducerFactory<byte[], byte[]>) raw.getProducerFactory()).destroy();
		}
		TestRestoreGate.GATE.hold();
		try {
			ConfigurableApplicationContext instance = instance(application,
					"request-reply.durable.reply-topic=" + replies, "request-reply.durable.pending-topic=" + pending,
					"request-reply.handler.consumer-properties.interceptor.classes=" + TestRestoreGate.class.getName(),
					"management.endpoint.health.probes.enabled=true",
					"management.endpoint.health.group.readiness.include=readinessState,requestreplyDurable");
			HealthEndpointGroups groups = instance.getBean(HealthEndpointGroups.class);
			assertThat(groups.get("readiness").isMember("requestreplyDurable")).isTrue();
			assertThat(groups.get("liveness").isMember("requestreplyDurable")).isFalse();
			HealthEndpoint health = instance.getBean(HealthEndpoint.class);
			// The restore read pending records and is held before it can reach their end.
			TestRestoreGate.GATE.awaitWaiting(1);
			assertThat(health.healthForPath("requestreplyDurable").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(health.healthForPath("liveness").getStatus()).isEqualTo(Status.UP);
			TestRestoreGate.GATE.release();
			await().atMost(WAIT).until(() -> health.healthForPath("readiness").getStatus().equals(Status.UP));
			DurableRequests durable = instance.getBean(DurableRequests.class);
			assertThat(health.healthForPath("requestreplyDurable").getStatus()).isEqualTo(Status.UP);
			assertThat(durable.getRestoringPartitions()).isZero();
			assertThat(durable.getPendingCount()).isEqualTo(2);
			assertThat(durable.getLastRestoreTime()).isNotNull();
		}
		finally {
			TestRestoreGate.GATE.release();
		}
	}

	private static byte[] pendingState(String kind, long deadline) {
		return ("{\"v\":1,\"kind\":\"" + kind + "\",\"deadline\":" + deadline
				+ ",\"context\":{},\"topic\":\"jobs\",\"partition\":0,\"submittedAt\":0}")
			.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void whenNoListenerTakesTheKindThenSubmitIsRefused() {
		ConfigurableApplicationContext instance = instance(TestBroker.uniqueTopic("durable-app"));
		DurableRequest request = instance.getBean(RequestReplyTemplate.class)
			.submit("any-topic", "job", DurableOptions.kind("invoice"));
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> request.accepted().get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(RequestReplyException.class)
			.withMessageContaining("'invoice'")
			.withMessageContaining("[flaky, report]");
	}

	@Test
	void whenListenerTakesWildcardOutcomeThenStartupFails() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> apps.start(new Class<?>[] { WildcardApp.class },
					"spring.application.name=" + TestBroker.uniqueTopic("durable-app")))
			.withStackTraceContaining("DurableOutcome<T> with T a concrete type");
	}

	@Test
	void whenApplicationNameIsUnsetThenListenerFailsStartup() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> apps.start(new Class<?>[] { DurableApp.class }))
			.withStackTraceContaining("needs spring.application.name");
	}

	private static ConfigurableApplicationContext responder(String topic) {
		return apps.startAssigned(new Class<?>[] { SlowApp.class }, "test.topic=" + topic,
				"spring.application.name=" + TestBroker.uniqueTopic("durable-responder"));
	}

	private static ConfigurableApplicationContext instance(String application, String... more) {
		List<String> properties = new ArrayList<>(List.of("spring.application.name=" + application,
				"request-reply.handler.enabled=false", "request-reply.durable.topic-partitions=2"));
		properties.addAll(List.of(more));
		return apps.start(new Class<?>[] { DurableApp.class }, properties.toArray(String[]::new));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class DurableApp {

		@Bean
		Outcomes outcomes() {
			return new Outcomes();
		}

	}

	static class Outcomes {

		final LinkedBlockingQueue<DurableOutcome<String>> received = new LinkedBlockingQueue<>();

		@DurableReplyListener("report")
		void onReport(DurableOutcome<String> outcome) {
			this.received.add(outcome);
		}

		final LinkedBlockingQueue<DurableOutcome<String>> flaky = new LinkedBlockingQueue<>();

		@DurableReplyListener("flaky")
		void onFlaky(DurableOutcome<String> outcome) {
			this.flaky.add(outcome);
			if (outcome.context().containsKey("always") || outcome.deliveryAttempt() < 3) {
				throw new IllegalStateException("listener failed at attempt " + outcome.deliveryAttempt());
			}
		}

		DurableOutcome<String> next() throws InterruptedException {
			DurableOutcome<String> outcome = this.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(outcome).as("an outcome within " + WAIT).isNotNull();
			return outcome;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AuditApp {

		@Bean
		Audits audits() {
			return new Audits();
		}

	}

	static class Audits {

		final LinkedBlockingQueue<DurableOutcome<String>> received = new LinkedBlockingQueue<>();

		@DurableReplyListener("audit")
		void onAudit(DurableOutcome<String> outcome) {
			this.received.add(outcome);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WildcardApp {

		@Bean
		Wildcard wildcard() {
			return new Wildcard();
		}

	}

	static class Wildcard {

		@DurableReplyListener("report")
		void onReport(DurableOutcome<?> outcome) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SlowApp {

		@Bean
		Slow slow() {
			return new Slow();
		}

	}

	static class Slow {

		final TestGate gate = new TestGate();

		final Set<String> cancelled = ConcurrentHashMap.newKeySet();

		@ReplyHandler(topics = "${test.topic}")
		String work(String job, ReplyContext call) throws InterruptedException {
			call.onCancel(() -> this.cancelled.add(job));
			if (job.equals("missing")) {
				throw new NoSuchJobException("no job " + job);
			}
			this.gate.pass();
			return "done:" + job;
		}

	}

	@ReplyErrorCode(ReplyErrorCodes.NOT_FOUND)
	static class NoSuchJobException extends RuntimeException {

		NoSuchJobException(String message) {
			super(message);
		}

	}

}
