package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;

import dev.requestreply.ReplyHandler;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a handler's consumer threads do about the handler's loop being stuck, on
 * {@link MockConsumer}s driven as the container drives them.
 */
class RequestPumpTests {

	@Test
	void whenAConsumerStartsWhileTheLoopIsStalledThenItsPartitionsPauseUntilTheLoopCatchesUp() {
		try (TestEngine engine = TestEngine.serve(new GatedCalls(), "work", ReplyHandler.Ordering.NONE, 64,
				Duration.ofMinutes(5), List.of(), true)) {
			RequestPump pump = engine.handler.pump();
			pump.loopStalled(true);
			// A consumer the container starts meanwhile (a restart, a higher concurrency).
			MockConsumer<byte[], byte[]> later = new MockConsumer<>("earliest");
			TopicPartition partition = new TopicPartition(TestEngine.REQUESTS, 2);
			later.assign(List.of(partition));
			pump.onPartitionsAssigned(later, List.of(partition));
			pump.setupThreadState(later);
			assertThat(later.paused()).containsExactly(partition);
			pump.loopStalled(false);
			pump.setupThreadState(later);
			assertThat(later.paused()).isEmpty();
		}
	}

}
