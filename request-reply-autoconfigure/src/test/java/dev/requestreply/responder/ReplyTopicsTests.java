package dev.requestreply.responder;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.requestreply.handler.MalformedRequestException;
import dev.requestreply.wire.RequestHeaders;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What handlers know of reply topics, with lookups answered by the test and a clock it moves.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReplyTopicsTests {

	private final AtomicLong nanos = new AtomicLong();

	// The topics that exist, with their partition counts.
	private final Map<String, Integer> existing = new ConcurrentHashMap<>(Map.of("app-replies", 2));

	private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

	private final ReplyTopics topics = new ReplyTopics((topic) -> {
		this.lookups.computeIfAbsent(topic, (name) -> new AtomicInteger()).incrementAndGet();
		Integer partitions = this.existing.get(topic);
		return (partitions != null) ? CompletableFuture.completedFuture(partitions)
				: CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("no " + topic));
	}, this.nanos::get);

	@Test
	void whenATopicExistsThenItIsLookedUpOnceAndAPartitionItLacksIsMalformed() {
		assertThat(find("app-replies", 1)).isEqualTo(ReplyTopics.Found.EXISTS);
		assertThat(find("app-replies", null)).isEqualTo(ReplyTopics.Found.EXISTS);
		assertThatExceptionOfType(MalformedRequestException.class).isThrownBy(() -> find("app-replies", 2))
			.withMessageContaining("has 2 partition(s)");
		assertThat(lookedUp("app-replies")).isEqualTo(2);
	}

	@Test
	void whenManyRequestsNameMissingTopicsThenEachEndsAndOneWarningCountsThem(CapturedOutput output) {
		for (int i = 0; i < 100; i++) {
			assertThat(find("ghost-" + (i % 10) + "-replies", null)).isEqualTo(ReplyTopics.Found.MISSING);
		}
		// Each name looked up once, then remembered as missing.
		assertThat(this.lookups).hasSize(10).allSatisfy((name, count) -> assertThat(count).hasValue(1));
		assertThat(output.getAll().split("named a reply topic that does not exist", -1)).hasSize(2);
		this.nanos.addAndGet(ReplyTopics.WARN_INTERVAL.toNanos());
		find("ghost-0-replies", null);
		// Its time as missing was up: looked up again.
		assertThat(output.getAll()).contains("100 request(s) since the last warning named a reply topic that does not "
				+ "exist (10 lookup(s) found none), the latest 'ghost-0-replies'");
	}

	@Test
	void whenAMissingTopicsTimeIsUpOrMoreNamesAreMissingThanRememberedThenItIsLookedUpAgain() {
		find("ghost-replies", null);
		this.nanos.addAndGet(ReplyTopics.MISSING_TTL.toNanos() - 1);
		find("ghost-replies", null);
		assertThat(lookedUp("ghost-replies")).isEqualTo(1);
		this.nanos.incrementAndGet();
		this.existing.put("ghost-replies", 1);
		assertThat(find("ghost-replies", null)).isEqualTo(ReplyTopics.Found.EXISTS);
		assertThat(lookedUp("ghost-replies")).isEqualTo(2);
		find("other-replies", null);
		for (int i = 0; i < ReplyTopicMemory.MAX_REMEMBERED; i++) {
			find("ghost-" + i + "-replies", null);
		}
		// The least recently used name left the bounded memory: looked up again, once.
		find("other-replies", null);
		find("other-replies", null);
		assertThat(lookedUp("other-replies")).isEqualTo(2);
	}

	@Test
	void whenAFoundTopicIsDeletedThenItIsFoundMissingOnceItsTimeIsUp() {
		assertThat(find("app-replies", null)).isEqualTo(ReplyTopics.Found.EXISTS);
		this.existing.remove("app-replies");
		this.nanos.addAndGet(ReplyTopics.FOUND_TTL.toNanos());
		// Looked up again in the background: the request at hand goes on.
		assertThat(find("app-replies", null)).isEqualTo(ReplyTopics.Found.EXISTS);
		assertThat(find("app-replies", null)).isEqualTo(ReplyTopics.Found.MISSING);
		assertThat(lookedUp("app-replies")).isEqualTo(2);
	}

	@Test
	void whenALookupDoesNotAnswerThenEachCallerWaitsUntilItsOwnDeadlineOnly() throws Exception {
		CompletableFuture<Integer> never = new CompletableFuture<>();
		AtomicInteger started = new AtomicInteger();
		ReplyTopics slow = new ReplyTopics((topic) -> {
			started.incrementAndGet();
			return never;
		}, System::nanoTime);
		long start = System.nanoTime();
		CompletableFuture<ReplyTopics.Found> later = CompletableFuture
			.supplyAsync(() -> slow.find("slow-replies", null, System.currentTimeMillis() + 1_000));
		assertThat(slow.find("slow-replies", null, System.currentTimeMillis() + 200))
			.isEqualTo(ReplyTopics.Found.NO_ANSWER);
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(900);
		assertThat(later.get(5, TimeUnit.SECONDS)).isEqualTo(ReplyTopics.Found.NO_ANSWER);
		long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(tookMillis).isBetween(900L, 2_500L);
		assertThat(started).hasValue(1);
	}

	private ReplyTopics.Found find(String topic, Integer partition) {
		return this.topics.find(topic, partition, RequestHeaders.NO_DEADLINE);
	}

	private int lookedUp(String topic) {
		AtomicInteger count = this.lookups.get(topic);
		return (count != null) ? count.get() : 0;
	}

}
