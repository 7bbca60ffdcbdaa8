package dev.requestreply.requester;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import dev.requestreply.CorrelationId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ids of ended requests, remembered in order for a window and up to a capacity, in a ring that
 * grows and wraps around.
 */
class RecentlyEndedTests {

	private final ConcurrentHashMap<CorrelationId, Object> entries = new ConcurrentHashMap<>();

	@Test
	void whenMoreIdsEndThanTheCapacityWhileOthersExpireThenTheOldestAreForgottenFirst() {
		int capacity = 50;
		RecentlyEnded ended = new RecentlyEnded(this.entries, 300, capacity);
		List<CorrelationId> ids = new ArrayList<>();
		// Ids end at times 0, 10, 20...: the ring grows past its first size, then wraps around as the
		// window forgets the oldest and the capacity the next oldest.
		for (int i = 0; i < 300; i++) {
			CorrelationId id = CorrelationId.random();
			Object request = new Object();
			this.entries.put(id, request);
			ids.add(id);
			assertThat(ended.replace(id, request, i * 10L)).isTrue();
			if (i % 7 == 0) {
				ended.expire(i * 10L);
			}
			// Forgotten: past the capacity, and by the last expiry (at i - i % 7) those that ended
			// 300 or more before it.
			int oldestKept = Math.max(Math.max(0, i - capacity + 1), i - i % 7 - 29);
			for (int j = Math.max(0, i - 120); j <= i; j++) {
				assertThat(ended.contains(ids.get(j))).as("id %d of %d", j, i).isEqualTo(j >= oldestKept);
			}
			assertThat(ended.size()).isEqualTo(this.entries.size()).isEqualTo(i - oldestKept + 1);
		}
		ended.expire(300 * 10L + 300);
		assertThat(ended.size()).isZero();
		assertThat(this.entries).isEmpty();
	}

	@Test
	void whenTheMapNoLongerHoldsTheRequestThenItsIdIsNotRemembered() {
		RecentlyEnded ended = new RecentlyEnded(this.entries, 1_000, 10);
		CorrelationId id = CorrelationId.random();
		this.entries.put(id, "another");
		assertThat(ended.replace(id, "request", 0)).isFalse();
		assertThat(ended.contains(id)).isFalse();
		assertThat(ended.size()).isZero();
	}

	@Test
	void whenABurstOfIdsIsForgottenThenTheRingGivesBackItsChunks() {
		RecentlyEnded ended = new RecentlyEnded(this.entries, 1_000, 100_000);
		for (int i = 0; i < 10_000; i++) {
			end(ended, i / 10);
		}
		assertThat(ended.size()).isEqualTo(10_000);
		assertThat(ended.chunks()).isGreaterThanOrEqualTo(10_000 / RecentlyEnded.CHUNK);
		ended.expire(2_000);
		assertThat(ended.size()).isZero();
		assertThat(this.entries).isEmpty();
		// The ring keeps the chunk it fills and one spare.
		assertThat(ended.chunks()).isLessThanOrEqualTo(2);
	}

	// A request of a new id ends at the given time: its id is remembered.
	private CorrelationId end(RecentlyEnded ended, long now) {
		CorrelationId id = CorrelationId.random();
		Object request = new Object();
		this.entries.put(id, request);
		assertThat(ended.replace(id, request, now)).isTrue();
		return id;
	}

}
