package dev.requestreply.responder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.requestreply.ReplyHandler;
import dev.requestreply.responder.core.Partition;
import dev.requestreply.responder.core.RecordedReplay;
import dev.requestreply.responder.core.RequestRef;
import dev.requestreply.responder.core.ResponderAction;
import dev.requestreply.responder.core.ResponderCore;
import dev.requestreply.responder.core.ResponderEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A handler's event loop, with real threads posting to it: the core sees one event at a time in
 * each poster's order, on the loop's executor only; the loop survives failures, and a loop stuck
 * past its bound shows it and stops its handler's intake.
 */
class HandlerLoopTests {

	private static final Partition P0 = new Partition("requests", 0);

	private static final Duration BOUND = Duration.ofSeconds(30);

	// Several threads: nothing but the loop itself keeps two of its tasks from running at once.
	private final ExecutorService loopThreads = Executors.newFixedThreadPool(3, (body) -> new Thread(body, "loop"));

	private final AtomicLong clock = new AtomicLong();

	private final RecordingIntake intake = new RecordingIntake();

	@AfterEach
	void stopThreads() {
		this.loopThreads.shutdownNow();
	}

	@Test
	void whenThreadsPostConcurrentlyThenTheCoreSeesOneEventAtATimeInEachPostersOrderOnTheLoopOnly()
			throws Exception {
		int posters = 4;
		int posts = 2_000;
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		Map<Long, List<Long>> seenByPoster = new ConcurrentHashMap<>();
		Set<String> deciders = ConcurrentHashMap.newKeySet();
		CountDownLatch all = new CountDownLatch(posters * posts);
		ResponderCore core = new ResponderCore(ReplyHandler.Ordering.KEY, 4096);
		HandlerLoop loop = loop((event) -> {
			if (inside.incrementAndGet() != 1) {
				overlaps.incrementAndGet();
			}
			deciders.add(Thread.currentThread().getName());
			// Unknown to the core: it decides nothing, but the event went through it.
			List<ResponderAction> actions = core.on(event);
			RequestRef ref = ((ResponderEvent.Cancel) event).ref();
			seenByPoster.computeIfAbsent(ref.id() / posts, (poster) -> new ArrayList<>()).add(ref.offset());
			inside.decrementAndGet();
			all.countDown();
			return actions;
		}, (action) -> {
		});
		CountDownLatch go = new CountDownLatch(1);
		List<CompletableFuture<Void>> futures = new ArrayList<>();
		for (int poster = 0; poster < posters; poster++) {
			long first = (long) poster * posts;
			futures.add(CompletableFuture.runAsync(() -> {
				awaitLatch(go);
				for (int i = 0; i < posts; i++) {
					loop.post(new ResponderEvent.Cancel(new RequestRef(first + i, P0, i)));
				}
			}, (body) -> new Thread(body, "poster").start()));
		}
		go.countDown();
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(overlaps).hasValue(0);
		assertThat(deciders).containsExactly("loop");
		assertThat(seenByPoster).hasSize(posters);
		for (List<Long> seen : seenByPoster.values()) {
			assertThat(seen).hasSize(posts).isSorted();
		}
		assertThat(loop.lagNanos(this.clock.get())).isZero();
	}

	@Test
	void whenAnActionOrTheDecisionsThrowThenTheLoopGoesOnWithTheNextAndCountsEach() {
		ResponderCore core = new ResponderCore(ReplyHandler.Ordering.NONE, 4096);
		List<ResponderAction> carried = new CopyOnWriteArrayList<>();
		HandlerLoop loop = loop((event) -> {
			if (event instanceof ResponderEvent.Stop) {
				throw new IllegalStateException("decisions failed");
			}
			return core.on(event);
		}, (action) -> {
			if (action instanceof ResponderAction.Start start && start.ref().offset() == 0) {
				throw new IllegalStateException("executor refused");
			}
			carried.add(action);
		});
		RequestRef first = new RequestRef(1, P0, 0);
		RequestRef second = new RequestRef(2, P0, 1);
		loop.post(new ResponderEvent.Assigned(P0, 0, null));
		loop.post(new ResponderEvent.Arrived(first, null, Long.MAX_VALUE));
		loop.post(new ResponderEvent.Stop());
		loop.post(new ResponderEvent.Arrived(second, null, Long.MAX_VALUE));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(carried).contains(new ResponderAction.Start(second)));
		assertThat(carried).doesNotContain(new ResponderAction.Start(first));
		assertThat(loop.status(this.clock.get()).failures()).isEqualTo(2);
	}

	@Test
	void whenTheLoopIsStuckPastItsBoundThenItShowsWithItsHandlerAndTheHandlerTakesNoMoreUntilItCatchesUp()
			throws Exception {
		ResponderCore core = new ResponderCore(ReplyHandler.Ordering.NONE, 4096);
		CountDownLatch blocked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		HandlerLoop loop = loop(core::on, (action) -> {
			if (action instanceof ResponderAction.Start) {
				blocked.countDown();
				awaitLatch(release);
			}
		});
		loop.post(new ResponderEvent.Assigned(P0, 0, null));
		loop.post(new ResponderEvent.Arrived(new RequestRef(1, P0, 0), null, Long.MAX_VALUE));
		assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
		loop.post(new ResponderEvent.Cancel(new RequestRef(1, P0, 0)));
		this.clock.addAndGet(BOUND.toNanos() / 2);
		loop.check(this.clock.get());
		assertThat(this.intake.calls).isEmpty();
		this.clock.addAndGet(BOUND.toNanos());
		loop.check(this.clock.get());
		loop.check(this.clock.get());
		HandlerLoop.Status status = loop.status(this.clock.get());
		assertThat(status.handlerId()).isEqualTo("orders");
		assertThat(status.stalled()).isTrue();
		assertThat(status.lag()).isEqualTo(BOUND.plus(BOUND.dividedBy(2)));
		assertThat(this.intake.calls).containsExactly("pause");
		release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> loop.lagNanos(this.clock.get()) == 0);
		loop.check(this.clock.get());
		assertThat(this.intake.calls).containsExactly("pause", "resume");
		assertThat(loop.status(this.clock.get()).stalled()).isFalse();
	}

	@Test
	void whenARecorderIsSetThenItIsToldEveryEventTheCoreTakesInTheCoresOrder() {
		ResponderCore core = new ResponderCore(ReplyHandler.Ordering.NONE, 4096);
		List<ResponderEvent> recorded = new CopyOnWriteArrayList<>();
		List<ResponderAction> carried = new CopyOnWriteArrayList<>();
		HandlerLoop loop = loop(core::on, carried::add);
		loop.recordTo(recorded::add);
		RequestRef ref = new RequestRef(1, P0, 0);
		List<ResponderEvent> events = List.of(new ResponderEvent.Assigned(P0, 0, null),
				new ResponderEvent.Arrived(ref, null, Long.MAX_VALUE), new ResponderEvent.Started(ref, true),
				new ResponderEvent.Returned(ref, false), new ResponderEvent.ReplySent(ref));
		events.forEach(loop::post);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(recorded).isEqualTo(events));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(carried)
			.contains(new ResponderAction.Outcome(ref, ResponderAction.Ending.REPLIED)));
	}

	@Test
	void whenEveryKindOfThreadPostsAtOnceThenTheEventsTheLoopRecordedKeepEveryInvariantOfTheSimulation()
			throws Exception {
		int records = 200;
		Partition p1 = new Partition("requests", 1);
		ResponderCore core = new ResponderCore(ReplyHandler.Ordering.KEY, 4096);
		List<ResponderEvent> recorded = new CopyOnWriteArrayList<>();
		Map<Long, AtomicInteger> claims = new ConcurrentHashMap<>();
		Set<Long> ended = ConcurrentHashMap.newKeySet();
		ExecutorService workers = Executors.newFixedThreadPool(4, (body) -> new Thread(body, "worker"));
		ExecutorService replies = Executors.newFixedThreadPool(2, (body) -> new Thread(body, "producer"));
		// One consumer thread: its commits complete in order.
		ExecutorService commits = Executors.newSingleThreadExecutor((body) -> new Thread(body, "consumer"));
		HandlerLoop[] loop = new HandlerLoop[1];
		loop[0] = new HandlerLoop("orders", core::on, this.loopThreads, (action) -> {
			if (action instanceof ResponderAction.Start start) {
				RequestRef ref = start.ref();
				workers.execute(() -> {
					// The claim: the worker runs the method only if no withdrawal came first.
					boolean won = claims.computeIfAbsent(ref.id(), (id) -> new AtomicInteger()).compareAndSet(0, 1);
					loop[0].post(new ResponderEvent.Started(ref, won));
					if (won) {
						loop[0].post((ref.offset() % 5 == 0) ? new ResponderEvent.Threw(ref, "INTERNAL")
								: new ResponderEvent.Returned(ref, false));
					}
				});
			}
			else if (action instanceof ResponderAction.Withdraw withdraw) {
				claims.computeIfAbsent(withdraw.ref().id(), (id) -> new AtomicInteger()).compareAndSet(0, 2);
			}
			else if (action instanceof ResponderAction.SendReply || action instanceof ResponderAction.SendError) {
				RequestRef ref = (action instanceof ResponderAction.SendReply reply) ? reply.ref()
						: ((ResponderAction.SendError) action).ref();
				replies.execute(() -> loop[0].post((ref.offset() % 7 == 0) ? new ResponderEvent.ReplyFailed(ref)
						: new ResponderEvent.ReplySent(ref)));
			}
			else if (action instanceof ResponderAction.Commit commit) {
				commits.execute(() -> loop[0].post(new ResponderEvent.CommitDone(commit.partition(), commit.offset(),
						true)));
			}
			else if (action instanceof ResponderAction.Outcome outcome) {
				ended.add(outcome.ref().id());
			}
		}, this.intake, BOUND, System::nanoTime);
		loop[0].recordTo(recorded::add);
		loop[0].post(new ResponderEvent.Assigned(P0, 0, null));
		loop[0].post(new ResponderEvent.Assigned(p1, 0, null));
		CountDownLatch go = new CountDownLatch(1);
		List<CompletableFuture<Void>> posters = List.of(posting(go, () -> {
			// The consumer: records of two partitions, the second revoked half-way (fetched after too).
			for (int offset = 0; offset < records; offset++) {
				for (Partition partition : List.of(P0, p1)) {
					RequestRef ref = new RequestRef(id(partition, offset, records), partition, offset);
					loop[0].post(new ResponderEvent.Arrived(ref, "k" + (offset % 3), Long.MAX_VALUE));
				}
				if (offset == records / 2) {
					loop[0].post(new ResponderEvent.Revoked(List.of(p1)));
				}
			}
		}), posting(go, () -> {
			// The cancel reader and the watchdog: some before their request arrived.
			for (int offset = 0; offset < records; offset += 3) {
				RequestRef ref = new RequestRef(id(P0, offset, records), P0, offset);
				loop[0].post((offset % 2 == 0) ? new ResponderEvent.Cancel(ref)
						: new ResponderEvent.MaxHandlingTime(ref));
			}
		}));
		go.countDown();
		CompletableFuture.allOf(posters.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> ended.size() == 2 * records);
		loop[0].post(new ResponderEvent.Stop());
		for (ExecutorService threads : List.of(workers, replies, commits)) {
			threads.shutdown();
			assertThat(threads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> loop[0].lagNanos(System.nanoTime()) == 0);
		assertThat(RecordedReplay.replay(ReplyHandler.Ordering.KEY, 4096, List.copyOf(recorded)))
			.isGreaterThan(4 * records);
	}

	private static long id(Partition partition, int offset, int records) {
		return (long) partition.number() * records + offset;
	}

	@Test
	void whenAThreadPostsWhileTheLoopRunsThenTheLoopIsWokenOnceForAllAndTakesThemInOneRound() throws Exception {
		AtomicInteger wakeUps = new AtomicInteger();
		AtomicInteger commitsAsked = new AtomicInteger();
		AtomicInteger inRound = new AtomicInteger();
		List<Integer> rounds = new CopyOnWriteArrayList<>();
		CountDownLatch first = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		HandlerLoop loop = new HandlerLoop("orders", (event) -> {
			if (inRound.incrementAndGet() == 1) {
				first.countDown();
				awaitLatch(release);
			}
			return List.of();
		}, () -> {
			commitsAsked.incrementAndGet();
			return List.of();
		}, (task) -> {
			wakeUps.incrementAndGet();
			this.loopThreads.execute(task);
		}, (action) -> {
		}, this.intake, BOUND, this.clock::get, (round) -> {
			round.run();
			rounds.add(inRound.getAndSet(0));
		});
		loop.post(new ResponderEvent.Stop());
		assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 100; i++) {
			loop.post(new ResponderEvent.Stop());
		}
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> !rounds.isEmpty());
		assertThat(rounds).containsExactly(101);
		assertThat(wakeUps).hasValue(1);
		// The commits the round moved: asked for once at its end, not after each of its events.
		assertThat(commitsAsked).hasValue(1);
	}

	private static CompletableFuture<Void> posting(CountDownLatch go, Runnable posts) {
		return CompletableFuture.runAsync(() -> {
			awaitLatch(go);
			posts.run();
		}, (body) -> new Thread(body, "poster").start());
	}

	private HandlerLoop loop(Function<ResponderEvent, List<ResponderAction>> decisions,
			Consumer<ResponderAction> actions) {
		return new HandlerLoop("orders", decisions, this.loopThreads, actions, this.intake, BOUND, this.clock::get);
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static final class RecordingIntake implements LoopIntake {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Override
		public void pause() {
			this.calls.add("pause");
		}

		@Override
		public void resume() {
			this.calls.add("resume");
		}

	}

}
