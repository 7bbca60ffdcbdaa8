package dev.requestreply.requester;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;

import dev.requestreply.GatherPolicy;
import dev.requestreply.GatherResult;
import dev.requestreply.Reply;
import dev.requestreply.RequestReplyException;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.requester.core.RequestState;

/**
 * Registers the requests of {@link PendingRequests} whose replies a {@link ReplyCollector} takes:
 * a reply with its record's metadata, a stream of replies, a scatter-gather.
 */
final class CollectedRequests {

	private final PendingRequests registry;

	CollectedRequests(PendingRequests registry) {
		this.registry = registry;
	}

	/**
	 * Register a request whose future completes with its reply and the reply record's metadata.
	 * @param <T> the value type
	 * @param topic the topic the request goes to
	 * @param valueType the type of the reply's value, which must be {@code T}
	 * @param timeout how long to wait for the reply
	 * @param converter the converter of the reply
	 * @param registration what the engine knows of it
	 * @return the pending request, which is its future
	 * @throws RequestReplyException if too many requests are pending
	 */
	public <T> PendingRequest<Reply<T>> registerExchange(String topic, Type valueType, Duration timeout,
			PayloadConverter converter, Registration registration) {
		return this.registry.admission().admit(topic, null, timeout,
				new RecordReplyCollector(this.registry, converter, valueType), registration);
	}

	/**
	 * Register a request answered by a stream of replies, published in order by the given
	 * publisher; each element moves the request's timeout to the idle timeout, never past the
	 * overall one.
	 * @param <T> the element type
	 * @param topic the topic the request goes to
	 * @param elementType the element type
	 * @param idleTimeout the longest wait for the first or the next element
	 * @param timeout the longest wait for the whole stream
	 * @param converter the converter of the elements
	 * @param publisher the publisher of the elements
	 * @param registration what the engine knows of it
	 * @return the pending request, done when the stream ends
	 * @throws RequestReplyException if too many requests are pending
	 */
	public <T> PendingRequest<Void> registerStream(String topic, Type elementType, Duration idleTimeout,
			Duration timeout, PayloadConverter converter, ReplyPublisher<T> publisher, Registration registration) {
		long now = System.nanoTime();
		StreamCollector<T> collector = new StreamCollector<>(this.registry, converter, elementType, publisher, idleTimeout,
				now + timeout.toNanos());
		PendingRequest<Void> request = this.registry.admission()
			.admit(topic, Void.class, collector, now, RequestState.stream(now, timeout.toNanos(),
					idleTimeout.toNanos(), publisher.maxBuffered(), registration.cancelsOn(),
					registration.holdsPartition()));
		publisher.bind(this.registry, request);
		return request;
	}

	/**
	 * Register a scatter-gather: one reply per responder, until the policy is satisfied or the
	 * timeout passes, when it completes with the replies so far if its policy says so.
	 * @param <T> the reply type
	 * @param topics the topics the request goes to
	 * @param replyType the reply type
	 * @param policy when the gather is complete, and its timeout
	 * @param converter the converter of the replies
	 * @param registration what the engine knows of it
	 * @return the pending request
	 * @throws RequestReplyException if too many requests are pending, or the policy's answer for a
	 * timeout with no reply (asked here, on the caller's thread) threw
	 */
	public <T> PendingRequest<GatherResult<T>> registerGather(List<String> topics, Type replyType,
			GatherPolicy<T> policy, PayloadConverter converter, Registration registration) {
		boolean releaseEmpty = GatherCollector.releasesEmpty(policy);
		long now = System.nanoTime();
		return this.registry.admission().admit(String.join(",", topics), null,
				new GatherCollector<>(this.registry, converter, replyType, policy), now,
				RequestState.gather(now + policy.timeout().toNanos(), registration.cancelsOn(),
						registration.holdsPartition(), releaseEmpty));
	}

}
