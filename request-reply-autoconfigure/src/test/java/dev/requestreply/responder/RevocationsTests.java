package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.requestreply.ReplyHandler;
import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ContainerProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * What a handler's consumer does with running requests of partitions taken away from it. The
 * revoke grace itself (requests that finish within it, those cancelled after it) is tested with a
 * broker, in {@code MultiInstanceTests}.
 */
class RevocationsTests {

	private final GatedCalls calls = new GatedCalls();

	private TestEngine engine;

	@AfterEach
	void stop() {
		if (this.engine != null) {
			this.engine.close();
		}
	}

	@Test
	void whenAPartitionIsLostThenItsRunningRequestEndsAtOnceAsCancelledWithoutAReply() {
		this.engine = TestEngine.serve(this.calls, "work", ReplyHandler.Ordering.KEY, 64, Duration.ofMinutes(5),
				List.of(), true);
		this.engine.deliver(this.engine.request(0, "k", "a", RequestHeaders.NO_DEADLINE));
		TestEngine.waiting().until(() -> this.calls.started("a"));
		TopicPartition lost = new TopicPartition(TestEngine.REQUESTS, 0);
		long startNanos = System.nanoTime();
		// As spring-kafka calls them: the partitions lost, then the same ones revoked.
		this.engine.handler.pump().onPartitionsLost(this.engine.consumer, List.of(lost));
		this.engine.handler.pump().onPartitionsRevokedBeforeCommit(this.engine.consumer, List.of(lost));
		// Nothing waited for the grace (5 s): the partition has a new owner already.
		assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(2));
		TestEngine.waiting().until(() -> this.calls.log.contains("end a"));
		assertThat(this.calls.cancelledWhenInterrupted).containsEntry("a", true);
		assertThat(this.engine.inHand()).isZero();
		assertThat(this.engine.producer.history()).isEmpty();
		assertThat(this.engine.handler.stats().revokeCancelled()).isOne();
	}

	@Test
	void whenTheRevokeGraceIsNotBelowMaxPollIntervalAndTheShutdownTimeoutThenStartUpFails() {
		// Spring Kafka's shutdown timeout: 10 s.
		ContainerProperties container = new ContainerProperties("requests");
		assertThatIllegalStateException()
			.isThrownBy(() -> Revocations.checkGrace("handlers.work", Duration.ofSeconds(3), container,
					Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "3000")))
			.withMessageContaining("request-reply.handler.revoke-grace (PT3S) must be below the max.poll.interval.ms "
					+ "(3000 ms)");
		assertThatIllegalStateException()
			.isThrownBy(() -> Revocations.checkGrace("handlers.work", Duration.ofSeconds(10), container, Map.of()))
			.withMessageContaining("shutdown timeout (10000 ms)");
		assertThatNoException()
			.isThrownBy(() -> Revocations.checkGrace("handlers.work", Duration.ofSeconds(5), container,
					Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000)));
	}

}
