package dev.requestreply.responder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.requestreply.ReplyContext;

/**
 * A handler bean whose calls each wait until the test opens their gate (the payload names the
 * call), recording when calls started and ended, the most calls of one key or one partition at
 * once, and what a call saw of its context when it was interrupted.
 */
final class GatedCalls {

	final List<String> log = new CopyOnWriteArrayList<>();

	// Whether the context was cancelled when the call was interrupted, by call.
	final Map<String, Boolean> cancelledWhenInterrupted = new ConcurrentHashMap<>();

	private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> most = new ConcurrentHashMap<>();

	String work(String call, ReplyContext context) throws InterruptedException {
		List<String> lanes = List.of("key " + new String(context.key(), StandardCharsets.UTF_8),
				"partition " + context.partition());
		lanes.forEach((lane) -> {
			int now = this.running.computeIfAbsent(lane, (l) -> new AtomicInteger()).incrementAndGet();
			this.most.computeIfAbsent(lane, (l) -> new AtomicInteger()).accumulateAndGet(now, Math::max);
		});
		this.log.add("start " + call);
		try {
			if (!gate(call).await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The gate of " + call + " never opened");
			}
			return call;
		}
		catch (InterruptedException ex) {
			this.cancelledWhenInterrupted.put(call, context.isCancelled());
			throw ex;
		}
		finally {
			lanes.forEach((lane) -> this.running.get(lane).decrementAndGet());
			this.log.add("end " + call);
		}
	}

	void open(String call) {
		gate(call).countDown();
	}

	boolean started(String call) {
		return this.log.contains("start " + call);
	}

	/**
	 * Return the most calls that ran at once in a lane ({@code "key k"} or {@code "partition 0"}).
	 */
	int mostAtOnce(String lane) {
		AtomicInteger count = this.most.get(lane);
		return (count != null) ? count.get() : 0;
	}

	private CountDownLatch gate(String call) {
		return this.gates.computeIfAbsent(call, (c) -> new CountDownLatch(1));
	}

}
