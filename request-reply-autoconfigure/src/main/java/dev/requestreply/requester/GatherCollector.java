package dev.requestreply.requester;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.requestreply.GatherPolicy;
import dev.requestreply.GatherResult;
import dev.requestreply.GatheredReply;
import dev.requestreply.RemoteHandlerException;
import dev.requestreply.RequestReplyException;
import dev.requestreply.RequestTimeoutException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.requester.core.RequestAction;
import dev.requestreply.requester.core.RequestEvent;
import dev.requestreply.wire.ErrorHeaders;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * Collects the replies of a scatter-gather, one per responder, until its policy is satisfied or
 * it times out, when it completes with what it has or fails, as its policy answered for the
 * replies it saw last (asked after each reply, on a completion thread, and kept by the core).
 *
 * @param <T> the reply type
 */
final class GatherCollector<T> implements ReplyCollector {

	private final PendingRequests registry;

	private final PayloadConverter converter;

	private final Type replyType;

	private final GatherPolicy<T> policy;

	private final List<GatheredReply<T>> replies = new ArrayList<>();

	GatherCollector(PendingRequests registry, PayloadConverter converter, Type replyType,
			GatherPolicy<T> policy) {
		this.registry = registry;
		this.converter = converter;
		this.replyType = replyType;
		this.policy = policy;
	}

	@Override
	public void onReply(PendingRequest<?> request, ConsumerRecord<?, ByteBuffer> reply) {
		String responder = WireFormat.standard().responder(reply.headers());
		synchronized (this) {
			String named = (responder != null) ? responder : "unknown-" + this.replies.size();
			// The core decides whether it is a new responder's; its policy test (the caller's code,
			// on a completion thread) waits for this lock, so it sees the reply kept here.
			List<RequestAction> actions = this.registry.ends().reply(request,
					new RequestEvent.Reply(System.nanoTime(), named, null, null, false), (completion) -> null);
			if (actions.contains(new RequestAction.TestPolicy())) {
				this.replies.add(reply(request, named, reply));
			}
		}
	}

	@Override
	public void testPolicy(PendingRequest<?> request) {
		List<GatheredReply<T>> sofar;
		synchronized (this) {
			sofar = List.copyOf(this.replies);
		}
		boolean done;
		try {
			done = this.policy.done().test(sofar);
		}
		catch (RuntimeException ex) {
			this.registry.ends().fail(request, new RequestReplyException("Gather policy of request " + request.id
					+ " failed", ex));
			return;
		}
		if (done) {
			finish(request, new GatherResult<>(sofar, false));
			return;
		}
		boolean release;
		try {
			release = this.policy.atTimeout().test(sofar);
		}
		catch (RuntimeException ex) {
			this.registry.ends().fail(request, new RequestReplyException("Gather policy of request " + request.id
					+ " failed at its answer for the timeout", ex));
			return;
		}
		this.registry.ends().atTimeout(request, sofar.size(), release);
	}

	/**
	 * Ask a gather's policy, on the caller's thread as it is sent, whether its timeout with no
	 * reply completes it with an empty result.
	 * @param policy the policy
	 * @return its answer
	 * @throws RequestReplyException if the policy threw
	 */
	static boolean releasesEmpty(GatherPolicy<?> policy) {
		try {
			return policy.atTimeout().test(List.of());
		}
		catch (RuntimeException ex) {
			throw new RequestReplyException("Gather policy failed at its answer for a timeout with no reply", ex);
		}
	}

	@SuppressWarnings("unchecked")
	private void finish(PendingRequest<?> request, GatherResult<T> result) {
		this.registry.succeed((PendingRequest<GatherResult<T>>) request, result);
	}

	@SuppressWarnings("unchecked")
	private GatheredReply<T> reply(PendingRequest<?> request, String responder, ConsumerRecord<?, ByteBuffer> reply) {
		RemoteHandlerException failure = ErrorHeaders.remoteFailure(request.topic, reply.headers());
		if (failure != null) {
			return new GatheredReply<>(responder, null, failure);
		}
		try {
			ByteBuffer value = reply.value();
			return new GatheredReply<>(responder,
					(T) this.converter.fromBytes((value != null) ? Utils.toArray(value) : null, this.replyType), null);
		}
		catch (RuntimeException ex) {
			return new GatheredReply<>(responder, null, new RequestReplyException("Reply of " + responder
					+ " cannot be converted to " + this.replyType.getTypeName(), ex));
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public void completeOnTimeout(PendingRequest<?> request) {
		GatherResult<T> partial;
		synchronized (this) {
			partial = new GatherResult<>(this.replies, true);
		}
		((PendingRequest<GatherResult<T>>) request).complete(partial);
	}

	@Override
	public RequestTimeoutException timeoutFailure(PendingRequest<?> request) {
		return this.registry.ends().timedOut(request, Duration.ofNanos(request.deadlineNanos - request.startNanos));
	}

}
