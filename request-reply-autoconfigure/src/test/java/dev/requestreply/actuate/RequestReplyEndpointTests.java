package dev.requestreply.actuate;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.CorrelationRegistry;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.TestRequests;
import dev.requestreply.actuate.RequestReplyEndpoint.PendingRequestDescriptor;
import dev.requestreply.actuate.RequestReplyEndpoint.RequestReplyDescriptor;
import dev.requestreply.actuate.RequestReplyEndpoint.TopicDescriptor;
import dev.requestreply.durable.DurableRequests;
import dev.requestreply.durable.TestDurableRequests;
import dev.requestreply.requester.FastFailure;
import dev.requestreply.requester.ReplyPartitionMode;
import dev.requestreply.requester.RequestOutcome;
import dev.requestreply.requester.TestRegistries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link RequestReplyEndpoint} constructed directly, over a registry with requests registered but
 * never sent.
 */
class RequestReplyEndpointTests {

	private final RequestReplyTemplate template = TestRequests.unstartedTemplate("unit-replies");

	private final CorrelationRegistry registry = this.template.getRegistry();

	private final RequestReplyTopicStatistics statistics = new RequestReplyTopicStatistics();

	private final RequestReplyEndpoint endpoint = new RequestReplyEndpoint(this.template, this.statistics, null, 2);

	@AfterEach
	void close() {
		this.template.destroy();
	}

	@Test
	void whenNothingHappenedThenFiguresAreZero() {
		RequestReplyDescriptor descriptor = this.endpoint.requestReply();
		assertThat(descriptor.replyTopic()).isEqualTo("unit-replies");
		assertThat(descriptor.instanceId()).isEqualTo("unit-instance");
		assertThat(descriptor.accepting()).isFalse();
		assertThat(descriptor.pending()).isZero();
		assertThat(descriptor.completed()).isZero();
		assertThat(descriptor.timeouts()).isZero();
		assertThat(descriptor.errors()).isZero();
		assertThat(descriptor.lateReplies()).isZero();
		assertThat(descriptor.topics()).isEmpty();
		assertThat(descriptor.oldestPending()).isEmpty();
		assertThat(descriptor.handlers()).isEmpty();
		assertThat(descriptor.replyPartitions().mode()).isEqualTo(ReplyPartitionMode.AUTO);
		assertThat(descriptor.replyPartitions().read()).isEmpty();
	}

	@Test
	void whenApplicationHasDurableRequestsThenEndpointHasTheirSection() {
		DurableRequests durable = TestDurableRequests.withReportAndInvoiceListeners();
		try {
			DurableRequestsDescriptor section = new RequestReplyEndpoint(this.template, this.statistics, null, 2,
					durable)
				.requestReply()
				.durable();
			assertThat(section).isNotNull();
			assertThat(section.readingOutcomes()).isFalse();
			assertThat(section.pendingTopic()).isEqualTo("orders-durable-pending");
			assertThat(section.pending()).isZero();
			assertThat(section.oldestPendingAgeMillis()).isNull();
			assertThat(section.pendingByKind()).isEmpty();
			assertThat(section.lastRestoreMillis()).isNull();
			assertThat(section.outcomes()).containsOnlyKeys("invoice", "report");
			assertThat(section.outcomes().get("invoice")).containsEntry("replied", 0L).containsEntry("cancelled", 0L);
			assertThat(this.endpoint.requestReply().durable()).isNull();
		}
		finally {
			durable.destroy();
		}
	}

	@Test
	void whenRequestsPendingThenOldestAreListedUpToTheLimitOldestFirst() {
		TestRequests.register(this.registry, "orders", Duration.ofSeconds(30));
		TestRequests.register(this.registry, "prices", Duration.ofSeconds(30));
		TestRequests.register(this.registry, "orders", Duration.ofSeconds(30));
		RequestReplyDescriptor descriptor = this.endpoint.requestReply();
		assertThat(descriptor.pending()).isEqualTo(3);
		assertThat(descriptor.oldestPending()).hasSize(2);
		assertThat(descriptor.oldestPending()).extracting(PendingRequestDescriptor::topic)
			.containsExactly("orders", "prices");
		PendingRequestDescriptor oldest = descriptor.oldestPending().get(0);
		assertThat(UUID.fromString(oldest.correlationId())).isNotNull();
		assertThat(oldest.ageMillis()).isGreaterThanOrEqualTo(descriptor.oldestPending().get(1).ageMillis());
		assertThat(oldest.timeLeftMillis()).isBetween(1L, 30_000L);
		assertThat(descriptor.topics()).containsOnlyKeys("orders", "prices");
		assertThat(descriptor.topics().get("orders").pending()).isEqualTo(2);
		assertThat(descriptor.topics().get("prices").pending()).isEqualTo(1);
	}

	@Test
	void whenOutcomesRecordedThenTopicFiguresAndPercentilesShow() {
		for (int i = 1; i <= 100; i++) {
			this.statistics.onOutcome("orders", RequestOutcome.SUCCESS, TimeUnit.MILLISECONDS.toNanos(i));
		}
		this.statistics.onOutcome("orders", RequestOutcome.TIMEOUT, TimeUnit.SECONDS.toNanos(5));
		this.statistics.onOutcome("orders", RequestOutcome.ERROR, TimeUnit.MILLISECONDS.toNanos(50));
		this.statistics.onOutcome("orders", RequestOutcome.CANCELLED, TimeUnit.MILLISECONDS.toNanos(1));
		this.statistics.onOutcome("orders", RequestOutcome.PARTIAL, TimeUnit.SECONDS.toNanos(5));
		TopicDescriptor orders = this.endpoint.requestReply().topics().get("orders");
		assertThat(orders.pending()).isZero();
		assertThat(orders.completed()).isEqualTo(100);
		assertThat(orders.timeouts()).isEqualTo(1);
		assertThat(orders.partialGathers()).isEqualTo(1);
		assertThat(orders.errors()).isEqualTo(1);
		assertThat(orders.cancelled()).isEqualTo(1);
		// Successes and errors are round trips; a timeout, a partial gather or a cancellation is not.
		assertThat(orders.roundTrip().samples()).isEqualTo(101);
		assertThat(orders.roundTrip().p50Millis()).isEqualTo(50.0);
		assertThat(orders.roundTrip().p99Millis()).isEqualTo(99.0);
	}

	@Test
	void whenWindowIsFullThenOnlyRecentRoundTripsCount() {
		RequestReplyTopicStatistics small = new RequestReplyTopicStatistics(10);
		for (int i = 0; i < 10; i++) {
			small.onOutcome("t", RequestOutcome.SUCCESS, TimeUnit.SECONDS.toNanos(10));
		}
		for (int i = 0; i < 10; i++) {
			small.onOutcome("t", RequestOutcome.SUCCESS, TimeUnit.MILLISECONDS.toNanos(1));
		}
		assertThat(small.snapshot().get("t").samples()).isEqualTo(10);
		assertThat(small.snapshot().get("t").p99Millis()).isEqualTo(1.0);
		assertThat(small.snapshot().get("t").completed()).isEqualTo(20);
	}

	@Test
	void whenPendingRequestSelectedThenItIsDescribed() {
		TestRequests.register(this.registry, "orders", Duration.ofSeconds(30));
		String id = this.registry.oldest(1).get(0).correlationId().toString();
		PendingRequestDescriptor descriptor = this.endpoint.pendingRequest(id);
		assertThat(descriptor).isNotNull();
		assertThat(descriptor.correlationId()).isEqualTo(id);
		assertThat(descriptor.topic()).isEqualTo("orders");
	}

	@Test
	void whenUnknownRequestSelectedThenNullForNotFound() {
		assertThat(this.endpoint.pendingRequest(UUID.randomUUID().toString())).isNull();
	}

	@Test
	void whenSelectorIsNoUuidThenInvalidRequest() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.pendingRequest("not-a-uuid"));
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.cancel("not-a-uuid"));
	}

	@Test
	void whenPendingRequestCancelledThenItsFutureFailsAndItIsGone() {
		CompletableFuture<String> future = TestRequests.register(this.registry, "orders", Duration.ofSeconds(30));
		String id = this.registry.oldest(1).get(0).correlationId().toString();
		assertThat(this.endpoint.cancel(id).cancelled()).isTrue();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(1, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RequestReplyException.class);
		assertThat(this.endpoint.pendingRequest(id)).isNull();
		assertThat(this.endpoint.requestReply().cancelled()).isEqualTo(1);
		assertThat(this.endpoint.cancel(id).cancelled()).isFalse();
	}

	@Test
	void whenRequestsFailFastThenTheirFiguresShow() {
		TestRegistries.failedFast(this.registry, FastFailure.NO_RESPONDER);
		TestRegistries.failedFast(this.registry, FastFailure.REPLY_PATH_DOWN);
		TestRegistries.failedFast(this.registry, FastFailure.REPLY_PATH_DOWN);
		RequestReplyDescriptor descriptor = this.endpoint.requestReply();
		assertThat(descriptor.noResponder()).isOne();
		assertThat(descriptor.replyPathDown()).isEqualTo(2);
		assertThat(descriptor.streamOverflows()).isZero();
		assertThat(JsonMapper.builder().build().writeValueAsString(descriptor)).contains("\"noResponder\":1",
				"\"replyPathDown\":2", "\"streamOverflows\":0");
	}

	@Test
	void whenSerializedThenOnlyIdentifiersCountsAndTimesAppear() {
		TestRequests.register(this.registry, "orders", Duration.ofSeconds(30));
		String json = JsonMapper.builder().build().writeValueAsString(this.endpoint.requestReply());
		assertThat(json).contains("\"replyTopic\":\"unit-replies\"", "\"pending\":1", "\"completed\":0",
				"\"timeouts\":0", "\"errors\":0", "\"lateReplies\":0", "\"oldestPending\":[{\"correlationId\":");
		assertThat(List.of("payload", "key", "headers", "value")).noneMatch((word) -> json.contains("\"" + word + "\""));
	}

}
