package dev.requestreply.requester;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import dev.requestreply.PendingRequestInfo;

/**
 * Describes pending requests for the endpoint and the meters: identifiers and times only, read
 * from the entries of a {@link PendingRequests} map (pending requests, and markers of requests
 * recently ended, which are skipped).
 */
final class PendingDescriptions {

	private PendingDescriptions() {
	}

	static PendingRequestInfo info(PendingRequest<?> request, long now) {
		return new PendingRequestInfo(request.id, request.topic, Duration.ofNanos(now - request.startNanos),
				Duration.ofNanos(request.deadlineNanos - now));
	}

	/**
	 * Describe the pending requests that have waited longest, oldest first: one pass, keeping the
	 * {@code max} oldest in a heap.
	 */
	static List<PendingRequestInfo> oldest(Collection<Object> entries, int max) {
		if (max <= 0) {
			return List.of();
		}
		Comparator<PendingRequest<?>> byStart = Comparator.comparingLong((PendingRequest<?> r) -> r.startNanos);
		PriorityQueue<PendingRequest<?>> youngestFirst = new PriorityQueue<>(byStart.reversed());
		for (Object entry : entries) {
			if (entry instanceof PendingRequest<?> request) {
				youngestFirst.offer(request);
				if (youngestFirst.size() > max) {
					youngestFirst.poll();
				}
			}
		}
		List<PendingRequest<?>> oldest = new ArrayList<>(youngestFirst);
		oldest.sort(byStart);
		long now = System.nanoTime();
		return oldest.stream().map((request) -> info(request, now)).toList();
	}

	static Map<String, Integer> byTopic(Collection<Object> entries) {
		Map<String, Integer> counts = new HashMap<>();
		for (Object entry : entries) {
			if (entry instanceof PendingRequest<?> request) {
				counts.merge(request.topic, 1, Integer::sum);
			}
		}
		return counts;
	}

}
