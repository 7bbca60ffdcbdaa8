package dev.requestreply.responder.core;

import java.util.Collection;

import org.jspecify.annotations.Nullable;

/**
 * What the core of a handler is told: by the consumer (arrived, assigned, revoked, lost, commit
 * done), by handler workers (started, returned, threw, completed), by the reply producer (sent,
 * failed), by the cancel reader (cancel), by the watchdog (deadline passed, max handling time)
 * and at shutdown (stop).
 */
public sealed interface ResponderEvent {

	/**
	 * A record was taken in hand, in offset order within its partition.
	 * @param ref the delivery
	 * @param laneKey what orders it with {@code KEY} (its key), or {@code null} for none
	 * @param deadline its deadline (epoch millis), or {@link Long#MAX_VALUE} for none: for the
	 * owner's watchdog, which says when it passed ({@link DeadlinePassed}, else
	 * {@link MaxHandlingTime})
	 */
	record Arrived(RequestRef ref, @Nullable Object laneKey, long deadline) implements ResponderEvent {
	}

	/**
	 * A handler worker took the request from the executor and tried its claim: the atomic choice,
	 * between the worker and a {@link ResponderAction.Withdraw}, of whether its method runs, so
	 * that a worker never waits for the core's answer.
	 * @param ref the request
	 * @param claimed whether the worker won the claim and calls the method now (else the request
	 * was withdrawn first, and the worker skips it)
	 */
	record Started(RequestRef ref, boolean claimed) implements ResponderEvent {
	}

	/**
	 * The method returned.
	 * @param ref the request
	 * @param pending whether it returned a future or stream whose end comes later
	 * ({@link Completed}); else its value is the reply
	 */
	record Returned(RequestRef ref, boolean pending) implements ResponderEvent {
	}

	/**
	 * The method threw.
	 * @param ref the request
	 * @param code the error code of the error reply
	 */
	record Threw(RequestRef ref, String code) implements ResponderEvent {
	}

	/**
	 * The future or stream a method returned ended.
	 * @param ref the request
	 * @param errorCode the error code when it failed, else {@code null}
	 */
	record Completed(RequestRef ref, @Nullable String errorCode) implements ResponderEvent {
	}

	/**
	 * Its worker ended it without a reply of the core's (a check before its method failed:
	 * expired, refused, cancelled before it came; or its own path answered it: a stream's end):
	 * it ends, its offset finished, unless its reply is on its way.
	 * @param ref the request
	 */
	record Skipped(RequestRef ref) implements ResponderEvent {
	}

	/**
	 * The reply (or error reply) was acknowledged by the broker.
	 * @param ref the request
	 */
	record ReplySent(RequestRef ref) implements ResponderEvent {
	}

	/**
	 * The reply could not be sent (including the producer's own delivery timeout).
	 * @param ref the request
	 */
	record ReplyFailed(RequestRef ref) implements ResponderEvent {
	}

	/**
	 * Its requester gave up (a cancel record).
	 * @param ref the request
	 */
	record Cancel(RequestRef ref) implements ResponderEvent {
	}

	/**
	 * Its deadline passed.
	 * @param ref the request
	 */
	record DeadlinePassed(RequestRef ref) implements ResponderEvent {
	}

	/**
	 * It has no deadline and was in hand for the handler's max handling time.
	 * @param ref the request
	 */
	record MaxHandlingTime(RequestRef ref) implements ResponderEvent {
	}

	/**
	 * Partitions are about to be taken away gracefully: their requests not started yet leave
	 * (abandoned, for the next owner) and none starts any more; those running may still end
	 * until {@link Revoked}.
	 * @param partitions the partitions
	 */
	record Revoking(Collection<Partition> partitions) implements ResponderEvent {
	}

	/**
	 * Partitions are being taken away gracefully (the revoke callback waits for the answer).
	 * @param partitions the partitions
	 */
	record Revoked(Collection<Partition> partitions) implements ResponderEvent {
	}

	/**
	 * Partitions were lost: another member may own them already, commits would fail.
	 * @param partitions the partitions
	 */
	record Lost(Collection<Partition> partitions) implements ResponderEvent {
	}

	/**
	 * A partition was assigned.
	 * @param partition the partition
	 * @param committed the group's committed offset (-1 for none)
	 * @param metadata its commit's metadata ({@link CommitMetadata}): the offsets above it the
	 * previous owner finished (skipped when they come again) and those it had started (run again
	 * here: {@link ResponderAction.Rerun}), or {@code null}
	 */
	record Assigned(Partition partition, long committed, @Nullable String metadata) implements ResponderEvent {
	}

	/**
	 * A record that is no request (a cancel record) was taken: its offset finished at once.
	 * @param partition the partition
	 * @param offset its offset
	 */
	record Passed(Partition partition, long offset) implements ResponderEvent {
	}

	/**
	 * Its method has run for a second or more (told once, by the watchdog): while it runs, the
	 * partition's commits name it as started, so that a next owner counts its second run.
	 * @param ref the request
	 */
	record RunningLong(RequestRef ref) implements ResponderEvent {
	}

	/**
	 * A commit the core asked for ended.
	 * @param partition the partition
	 * @param offset the committed offset asked for
	 * @param succeeded whether the broker took it
	 */
	record CommitDone(Partition partition, long offset, boolean succeeded) implements ResponderEvent {
	}

	/**
	 * The handler stops.
	 */
	record Stop() implements ResponderEvent {
	}

}
