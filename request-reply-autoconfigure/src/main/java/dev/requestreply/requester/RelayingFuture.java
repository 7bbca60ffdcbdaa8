package dev.requestreply.requester;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * A future whose dependents made by {@link #whenComplete}, {@link #thenApply},
 * {@link #thenAccept} and {@link #thenRun} fail, when it fails, as the JDK's do (with a
 * {@link CompletionException} whose cause is this future's failure, its message the cause's
 * {@code toString()}), but with a {@link RelayedFailure} that fills no stack trace and writes its
 * message only when read.
 * <p>
 * The JDK makes a new {@code CompletionException} for each such dependent of a failed future, on
 * the thread that completes it: filling its stack trace (the completion thread's frames, which say
 * nothing of the caller) and formatting its cause's message cost more than the rest of a
 * request's timeout, which matters when many requests share one deadline. The JDK offers no hook
 * for it ({@code CompletableFuture}'s encoding of a failure is private), so these four methods
 * are written here with {@link #handle}, which the JDK runs on the same thread at the same moment;
 * callbacks see exactly what they saw (the failure itself for a {@code whenComplete} on this
 * future, a {@code CompletionException} with it as cause for one on a dependent). The other
 * methods (the {@code *Async} variants, those combining two stages, {@code thenCompose}) are the
 * JDK's.
 *
 * @param <T> the result type
 */
abstract class RelayingFuture<T> extends CompletableFuture<T> {

	@Override
	public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
		Objects.requireNonNull(action);
		return handle((value, failure) -> {
			try {
				action.accept(value, failure);
			}
			catch (Throwable ex) {
				// As the JDK: the action's failure ends the dependent, unless this future failed.
				if (failure == null) {
					throw ex;
				}
				if (failure != ex) {
					failure.addSuppressed(ex);
				}
			}
			return relay(value, failure);
		});
	}

	@Override
	public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
		Objects.requireNonNull(fn);
		return handle((value, failure) -> fn.apply(relay(value, failure)));
	}

	@Override
	public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
		Objects.requireNonNull(action);
		return handle((value, failure) -> {
			action.accept(relay(value, failure));
			return null;
		});
	}

	@Override
	public CompletableFuture<Void> thenRun(Runnable action) {
		Objects.requireNonNull(action);
		return handle((value, failure) -> {
			relay(value, failure);
			action.run();
			return null;
		});
	}

	// The value, or the failure as the dependent's (a CompletionException is passed on as it is).
	private static <T> T relay(T value, @Nullable Throwable failure) {
		if (failure == null) {
			return value;
		}
		throw (failure instanceof CompletionException completion) ? completion : new RelayedFailure(failure);
	}

	/**
	 * The {@link CompletionException} a dependent fails with: no stack trace (it would hold only
	 * the completion thread's frames), the message of the JDK's (its cause's {@code toString()}),
	 * written when read.
	 */
	static final class RelayedFailure extends CompletionException {

		private static final long serialVersionUID = 1L;

		RelayedFailure(Throwable cause) {
			super(null, cause);
		}

		@Override
		public @Nullable String getMessage() {
			Throwable cause = getCause();
			return (cause != null) ? cause.toString() : null;
		}

		@Override
		public synchronized Throwable fillInStackTrace() {
			return this;
		}

	}

}
