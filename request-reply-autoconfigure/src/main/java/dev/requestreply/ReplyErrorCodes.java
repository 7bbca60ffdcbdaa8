package dev.requestreply;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.log.LogAccessor;

/**
 * The error codes an error reply carries in its {@code rr_error_code} header: gRPC's canonical
 * status code names, so that requesters in any language and any version map a failure to a
 * meaning without knowing the responder's classes.
 *
 * @since 0.2.0
 * @see ReplyErrorCode
 * @see RemoteHandlerException#getErrorCode()
 */
public final class ReplyErrorCodes {

	/**
	 * The operation was cancelled, typically by the caller.
	 */
	public static final String CANCELLED = "CANCELLED";

	/**
	 * Unknown error: also the code of an error reply that names none (a foreign responder).
	 */
	public static final String UNKNOWN = "UNKNOWN";

	/**
	 * The request was invalid: its payload or a header could not be read, or a required header
	 * was missing.
	 */
	public static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";

	/**
	 * The deadline passed before the operation completed.
	 */
	public static final String DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED";

	/**
	 * Something the request names was not found.
	 */
	public static final String NOT_FOUND = "NOT_FOUND";

	/**
	 * Something the request would create already exists.
	 */
	public static final String ALREADY_EXISTS = "ALREADY_EXISTS";

	/**
	 * The caller may not do this.
	 */
	public static final String PERMISSION_DENIED = "PERMISSION_DENIED";

	/**
	 * A resource (quota, capacity) is exhausted; retrying later may succeed.
	 */
	public static final String RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED";

	/**
	 * The system is not in a state required for the operation.
	 */
	public static final String FAILED_PRECONDITION = "FAILED_PRECONDITION";

	/**
	 * The operation was aborted, typically by a concurrency conflict; retrying may succeed.
	 */
	public static final String ABORTED = "ABORTED";

	/**
	 * The operation was attempted past a valid range.
	 */
	public static final String OUT_OF_RANGE = "OUT_OF_RANGE";

	/**
	 * The operation is not implemented or not supported.
	 */
	public static final String UNIMPLEMENTED = "UNIMPLEMENTED";

	/**
	 * An internal error: the default of any failure without a code of its own.
	 */
	public static final String INTERNAL = "INTERNAL";

	/**
	 * The service is unavailable for now; retrying later may succeed.
	 */
	public static final String UNAVAILABLE = "UNAVAILABLE";

	/**
	 * Unrecoverable data loss or corruption.
	 */
	public static final String DATA_LOSS = "DATA_LOSS";

	/**
	 * The request has no valid authentication credentials.
	 */
	public static final String UNAUTHENTICATED = "UNAUTHENTICATED";

	private static final Set<String> ALL = Set.of(CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND,
			ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE,
			UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED);

	private static final Set<String> RETRYABLE = Set.of(UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED, DEADLINE_EXCEEDED);

	private static final LogAccessor logger = new LogAccessor(ReplyErrorCodes.class);

	private static final Set<Class<?>> warned = ConcurrentHashMap.newKeySet();

	private ReplyErrorCodes() {
	}

	/**
	 * Return whether a code is one of the canonical names above.
	 * @param code the code
	 * @return whether it is canonical
	 */
	public static boolean isCanonical(String code) {
		return code != null && ALL.contains(code);
	}

	/**
	 * Return the error code of a failure as an error reply carries it: the
	 * {@link ReplyErrorCode @ReplyErrorCode} of its class or a superclass, or {@link #INTERNAL}
	 * without one. A code that is not one of the canonical names above is sent as
	 * {@link #UNKNOWN}, and a WARN (once per exception class) names the class and its code.
	 * @param failure the failure
	 * @return the canonical code to send
	 * @since 0.3.0
	 */
	public static String codeOf(Throwable failure) {
		String code = annotatedCode(failure);
		return (code != null) ? code : INTERNAL;
	}

	/**
	 * Return the code of a failure's {@link ReplyErrorCode @ReplyErrorCode}, on its class or a
	 * superclass, checked as {@link #codeOf(Throwable)} does.
	 * @param failure the failure
	 * @return the canonical code, {@link #UNKNOWN} for a non-canonical one, or {@code null}
	 * without the annotation
	 * @since 0.3.0
	 */
	public static @Nullable String annotatedCode(Throwable failure) {
		ReplyErrorCode annotation = AnnotatedElementUtils.findMergedAnnotation(failure.getClass(),
				ReplyErrorCode.class);
		if (annotation == null || annotation.value().isBlank()) {
			return null;
		}
		String code = annotation.value().trim();
		if (isCanonical(code)) {
			return code;
		}
		if (warned.add(failure.getClass())) {
			logger.warn(() -> "@ReplyErrorCode(\"" + code + "\") of " + failure.getClass().getName()
					+ " is not one of gRPC's canonical code names (see ReplyErrorCodes): its error replies carry "
					+ UNKNOWN);
		}
		return UNKNOWN;
	}

	/**
	 * Return whether a caller may retry a request that failed with the given code: the same
	 * request may succeed later. True for {@link #UNAVAILABLE}, {@link #RESOURCE_EXHAUSTED},
	 * {@link #ABORTED} and {@link #DEADLINE_EXCEEDED}; false for every other code, since repeating
	 * an invalid, unauthorised or failing request gives the same answer (or, for
	 * {@link #UNKNOWN} and {@link #INTERNAL}, may repeat a side effect).
	 * @param code the code
	 * @return whether a retry may succeed
	 */
	public static boolean isRetryable(String code) {
		return code != null && RETRYABLE.contains(code);
	}

}
