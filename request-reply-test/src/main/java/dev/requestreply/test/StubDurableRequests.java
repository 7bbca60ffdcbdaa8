package dev.requestreply.test;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.requestreply.CorrelationId;
import dev.requestreply.DurableOptions;
import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;
import dev.requestreply.DurableRequest;
import dev.requestreply.ReplyErrorCodes;
import dev.requestreply.RequestReplyException;
import dev.requestreply.autoconfigure.RequestReplyProperties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The durable requests of a {@link StubRequestReplyOperations}, reached with
 * {@link StubRequestReplyOperations#durable()}: who receives their outcomes, and what was
 * submitted. A durable request's topic answers as stubbed with
 * {@link StubRequestReplyOperations#on(String) on(topic)}, and its outcome follows as the real
 * template's would: a reply is {@link DurableOutcome.Replied Replied} (converted through the wire
 * conversion to the listener's type; one that does not convert is {@link DurableOutcome.Failed
 * Failed} with {@code INVALID_ARGUMENT}), an error reply is {@code Failed} with its code
 * ({@code UNKNOWN} when none was given), type and message, no reply (or one delayed to the
 * request's timeout or past it) is {@link DurableOutcome.TimedOut TimedOut} once the deadline has
 * passed, and a {@code cancelDurable(id)} while pending is {@link DurableOutcome.Cancelled
 * Cancelled}. Each request has one outcome.
 * <p>
 * The outcome goes to the listener of its kind, given with
 * {@link #onOutcome(String, Class, Consumer)} or as a
 * {@link DurableReplyListener @DurableReplyListener} method of {@link #listeners(Object...)
 * beans}, on another thread than the caller's; as in the application, each kind has one listener
 * (a second one is refused). A listener that throws is called again, at once (the application
 * waits 200 ms, then 400 ms), at most 3 times in all ({@code deliveryAttempt()} 1, 2, 3); then
 * the outcome ends all the same. A test can wait for it with {@link #outcome(String, Class)},
 * whose future completes once the listener returned:
 * <pre class="code">
 * requestReply.on("reports").reply(new Report("q3", 12));
 * requestReply.durable().listeners(reportListener);
 * DurableRequest request = desk.startReport("q3");                   // calls submit(...)
 * DurableOutcome&lt;Report&gt; outcome = requestReply.durable().outcome(request.id(), Report.class)
 *     .get(5, TimeUnit.SECONDS);
 * </pre>
 * As in the application, once the stub has a listener, a request of a kind that none takes is
 * refused (its {@code accepted()} future fails with a {@link RequestReplyException}); without any
 * listener every kind is accepted. A topic that was not stubbed, or a payload that cannot be
 * written, refuses the request the same way; a refused request has no outcome.
 *
 * @since 0.4.0
 */
public final class StubDurableRequests {

	/**
	 * How many times the listener is called for one outcome when it throws, as in the application.
	 */
	private static final int MAX_ATTEMPTS = 3;

	private final StubConversion conversion;

	private final Map<String, Submitted> submitted = new ConcurrentHashMap<>();

	private final List<RecordedDurableRequest> requests = new CopyOnWriteArrayList<>();

	private final Map<String, StubDurableListeners.Listener> listeners = new ConcurrentHashMap<>();

	private volatile Duration defaultTimeout = new RequestReplyProperties().getDurable().getDefaultTimeout();

	StubDurableRequests(StubConversion conversion) {
		this.conversion = conversion;
	}

	/**
	 * Add a listener of the outcomes of one kind, as a {@code @DurableReplyListener} method
	 * taking a {@code DurableOutcome<T>}: replies are converted to {@code type}.
	 * @param <T> the reply type
	 * @param kind the kind
	 * @param type the type replies are converted to
	 * @param listener what takes each outcome of that kind
	 * @return this
	 * @throws IllegalStateException when the stub has a listener of that kind already
	 */
	@SuppressWarnings("unchecked")
	public <T> StubDurableRequests onOutcome(String kind, Class<T> type, Consumer<DurableOutcome<T>> listener) {
		Assert.hasText(kind, "'kind' must not be empty");
		Assert.notNull(type, "'type' must not be null");
		Assert.notNull(listener, "'listener' must not be null");
		add(List.of(new StubDurableListeners.Listener(kind, "onOutcome(\"" + kind + "\", " + type.getSimpleName() + ")",
				type, (outcome) -> listener.accept((DurableOutcome<T>) outcome))));
		return this;
	}

	/**
	 * Add the {@link DurableReplyListener @DurableReplyListener} methods of these beans as
	 * listeners, each of the kind it names, with the reply type its parameter declares; in a
	 * Spring test, hand it the application's beans.
	 * @param beans the beans
	 * @return this
	 * @throws IllegalArgumentException when a bean has no such method, or one that the
	 * application's start-up would refuse (not one {@code DurableOutcome<T>} parameter, or a
	 * wildcard or type variable {@code T})
	 * @throws IllegalStateException when two listeners would take one kind (none of these beans'
	 * listeners is added then)
	 */
	public StubDurableRequests listeners(Object... beans) {
		Assert.notEmpty(beans, "'beans' must not be empty");
		List<StubDurableListeners.Listener> added = new ArrayList<>();
		for (Object bean : beans) {
			Assert.notNull(bean, "'beans' must not contain null");
			added.addAll(StubDurableListeners.of(bean));
		}
		add(added);
		return this;
	}

	/**
	 * Add listeners all or none: as at the application's start-up, each kind has one listener.
	 */
	private synchronized void add(List<StubDurableListeners.Listener> added) {
		Map<String, StubDurableListeners.Listener> byKind = new HashMap<>(this.listeners);
		for (StubDurableListeners.Listener listener : added) {
			StubDurableListeners.Listener other = byKind.putIfAbsent(listener.kind(), listener);
			if (other != null) {
				throw new IllegalStateException("Durable reply listeners " + other.name() + " and " + listener.name()
						+ " take the same kind '" + listener.kind() + "': each kind has one listener in an application");
			}
		}
		this.listeners.putAll(byKind);
	}

	/**
	 * Set the timeout of durable requests that name none. Default as
	 * {@code request-reply.durable.default-timeout}.
	 * @param defaultTimeout the default timeout
	 * @return this
	 */
	public StubDurableRequests defaultTimeout(Duration defaultTimeout) {
		Assert.isTrue(defaultTimeout != null && defaultTimeout.toNanos() > 0, "'defaultTimeout' must be positive");
		this.defaultTimeout = defaultTimeout;
		return this;
	}

	/**
	 * Return the outcome of a durable request with replies converted to a type.
	 * @param <T> the reply type
	 * @param id the request's id
	 * @param type the type the reply is converted to
	 * @return a future that completes with the outcome, as of the delivery attempt that the
	 * listener of its kind returned from, or fails with a {@link RequestReplyException} whose cause
	 * is what the listener threw on its last attempt
	 * @throws IllegalArgumentException when this stub accepted no durable request with that id
	 */
	public <T> CompletableFuture<DurableOutcome<T>> outcome(String id, Class<T> type) {
		Assert.notNull(type, "'type' must not be null");
		Submitted request = this.submitted.get(id);
		Assert.isTrue(request != null, () -> "This stub accepted no durable request with id '" + id + "'");
		return request.delivered
			.thenApply((delivered) -> outcome(request.request, delivered.ended(), delivered.attempt(), type));
	}

	/**
	 * Return the durable requests accepted so far, in order.
	 * @return the requests
	 */
	public List<RecordedDurableRequest> requests() {
		return List.copyOf(this.requests);
	}

	DurableRequest submit(String topic, Object payload, DurableOptions options, Function<String, TopicStub> stubs) {
		Assert.notNull(options, "'options' must not be null");
		String id = CorrelationId.random().toString();
		StubReply reply;
		try {
			this.conversion.checkWritable(new ProducerRecord<>(topic, payload));
			refuseUnknownKind(options.getKind());
			reply = stubs.apply(topic).repliesTo(payload).get(0);
		}
		catch (RequestReplyException ex) {
			return new DurableRequest(id, CompletableFuture.failedFuture(ex));
		}
		Duration timeout = options.getTimeout().orElse(this.defaultTimeout);
		RecordedDurableRequest recorded = new RecordedDurableRequest(id, topic, payload, options.getKind(),
				options.getContext(), timeout, Instant.now().plus(timeout));
		Submitted request = new Submitted(recorded);
		this.submitted.put(id, request);
		this.requests.add(recorded);
		StubTimes.executor(Duration.ZERO).execute(() -> {
			request.accepted.complete(null);
			// As the real one: the outcome comes after acceptance, a reply at the timeout is too late.
			if (reply.kind() == StubReply.Kind.NONE || reply.delay().compareTo(timeout) >= 0) {
				StubTimes.executor(timeout).execute(() -> end(request, new Ended(Ended.Kind.TIMED_OUT, null)));
			}
			else {
				StubTimes.executor(reply.delay()).execute(() -> end(request, new Ended(Ended.Kind.REPLIED, reply)));
			}
		});
		return new DurableRequest(id, request.accepted);
	}

	boolean cancel(String id) {
		Submitted request = this.submitted.get(id);
		return request != null && end(request, new Ended(Ended.Kind.CANCELLED, null));
	}

	void reset() {
		this.listeners.clear();
		this.requests.clear();
		this.submitted.values().forEach((request) -> {
			if (request.ended.compareAndSet(null, new Ended(Ended.Kind.FORGOTTEN, null))) {
				request.delivered.completeExceptionally(new RequestReplyException("Durable request '"
						+ request.request.id() + "' was forgotten by reset() before its outcome"));
			}
		});
		this.submitted.clear();
	}

	private void refuseUnknownKind(String kind) {
		Set<String> kinds = new TreeSet<>(this.listeners.keySet());
		if (!kinds.isEmpty() && !kinds.contains(kind)) {
			throw new RequestReplyException("No listener takes durable requests of kind '" + kind
					+ "': this stub has listeners of " + kinds);
		}
	}

	/**
	 * End a request unless it already ended, and deliver its outcome to the listeners of its
	 * kind on another thread, never before its acceptance (a cancel may come first).
	 */
	private boolean end(Submitted request, Ended ended) {
		if (!request.ended.compareAndSet(null, ended)) {
			return false;
		}
		request.accepted.thenRunAsync(() -> deliver(request, ended), StubTimes.executor(Duration.ZERO));
		return true;
	}

	/**
	 * Call the listener of the request's kind as the application does: one that throws is
	 * called again (without the application's backoff), at most {@link #MAX_ATTEMPTS} times in
	 * all, and then the outcome ends all the same.
	 */
	private void deliver(Submitted request, Ended ended) {
		StubDurableListeners.Listener listener = this.listeners.get(request.request.kind());
		if (listener == null) {
			request.delivered.complete(new Delivered(ended, 1));
			return;
		}
		for (int attempt = 1;; attempt++) {
			try {
				listener.call().accept(outcome(request.request, ended, attempt, listener.replyType()));
				request.delivered.complete(new Delivered(ended, attempt));
				return;
			}
			catch (RuntimeException | Error ex) {
				if (attempt == MAX_ATTEMPTS) {
					request.delivered.completeExceptionally(new RequestReplyException("The listener "
							+ listener.name() + " of kind '" + listener.kind() + "' threw " + MAX_ATTEMPTS
							+ " times on the outcome of request " + request.request.id()
							+ "; the outcome ends without it", ex));
					return;
				}
			}
		}
	}

	@SuppressWarnings("unchecked")
	private <T> DurableOutcome<T> outcome(RecordedDurableRequest request, Ended ended, int attempt, Type type) {
		String id = request.id();
		String kind = request.kind();
		Map<String, String> context = request.context();
		StubReply reply = ended.reply();
		if (ended.kind() == Ended.Kind.TIMED_OUT) {
			return new DurableOutcome.TimedOut<>(id, kind, context, attempt, request.deadline());
		}
		// A forgotten request (reset()) is never delivered; only a replied one has a reply.
		if (ended.kind() == Ended.Kind.CANCELLED || reply == null) {
			return new DurableOutcome.Cancelled<>(id, kind, context, attempt);
		}
		if (reply.kind() == StubReply.Kind.ERROR) {
			return new DurableOutcome.Failed<>(id, kind, context, attempt,
					Objects.requireNonNullElse(reply.errorCode(), ReplyErrorCodes.UNKNOWN), reply.errorType(),
					reply.errorMessage());
		}
		try {
			return new DurableOutcome.Replied<>(id, kind, context, attempt,
					(T) this.conversion.value(request.topic(), reply, type));
		}
		catch (RequestReplyException ex) {
			return new DurableOutcome.Failed<>(id, kind, context, attempt, ReplyErrorCodes.INVALID_ARGUMENT, null,
					ex.getMessage());
		}
	}

	private static final class Submitted {

		private final RecordedDurableRequest request;

		private final AtomicReference<@Nullable Ended> ended = new AtomicReference<>();

		private final CompletableFuture<Void> accepted = new CompletableFuture<>();

		private final CompletableFuture<Delivered> delivered = new CompletableFuture<>();

		Submitted(RecordedDurableRequest request) {
			this.request = request;
		}

	}

	/**
	 * How a request ended, and the delivery attempt its listener returned from.
	 */
	private record Delivered(Ended ended, int attempt) {
	}

	private record Ended(Kind kind, @Nullable StubReply reply) {

		enum Kind {

			REPLIED, TIMED_OUT, CANCELLED, FORGOTTEN

		}

	}

}
