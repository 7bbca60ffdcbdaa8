package dev.requestreply.responder;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.requestreply.support.SupervisedLoop;

/**
 * The one thread that ends every request in hand on time, whatever its handler or a callback
 * does: every {@link #TICK} it checks each handler's requests (see {@link HandlerWatch}), so a
 * request ends at most a tick after its deadline. A supervised loop: it survives any failure.
 */
final class Watchdog {

	static final Duration TICK = Duration.ofMillis(50);

	private final List<HandlerWatch> watches = new CopyOnWriteArrayList<>();

	private final SupervisedLoop loop = new SupervisedLoop("request-reply-watchdog", this::watch, TICK,
			Duration.ofSeconds(5));

	void add(HandlerWatch watch) {
		this.watches.add(watch);
	}

	void start() {
		this.loop.start();
	}

	void stop() {
		this.loop.stop(Duration.ofSeconds(5));
	}

	SupervisedLoop.Status status() {
		return this.loop.status();
	}

	private void watch(SupervisedLoop loop) throws InterruptedException {
		while (loop.isRunning()) {
			long nowMillis = System.currentTimeMillis();
			long nowNanos = System.nanoTime();
			for (HandlerWatch watch : this.watches) {
				watch.check(nowMillis, nowNanos);
			}
			Thread.sleep(TICK.toMillis());
		}
	}

}
