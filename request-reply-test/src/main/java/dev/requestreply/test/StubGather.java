package dev.requestreply.test;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.requestreply.GatherPolicy;
import dev.requestreply.GatherResult;
import dev.requestreply.GatheredReply;
import dev.requestreply.RequestReplyException;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.springframework.util.Assert;

/**
 * A scatter-gather of a {@link StubRequestReplyOperations}: one reply per stubbed responder of
 * each topic, in the order of their delays, until the policy is satisfied or its timeout.
 */
final class StubGather {

	private StubGather() {
	}

	static <T> CompletableFuture<GatherResult<T>> gather(StubRequestReplyOperations stub, StubConversion conversion,
			Collection<String> topics, Object payload, Type replyType, GatherPolicy<T> policy) {
		Assert.notEmpty(topics, "'topics' must not be empty");
		Assert.notNull(policy, "'policy' must not be null");
		List<Arrival<T>> arrivals = new ArrayList<>();
		RecordedRequest first = null;
		try {
			for (String topic : topics) {
				RecordedRequest sent = stub.record(new ProducerRecord<>(topic, payload), policy.timeout(),
						RecordedRequest.Kind.GATHER);
				first = (first != null) ? first : sent;
				for (StubReply reply : stub.stub(topic).repliesTo(payload)) {
					if (reply.kind() != StubReply.Kind.NONE && reply.delay().compareTo(policy.timeout()) < 0) {
						arrivals.add(new Arrival<>(reply.delay(), conversion.gathered(topic, reply, replyType)));
					}
				}
			}
		}
		catch (RequestReplyException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		arrivals.sort(Comparator.comparing(Arrival::delay));
		List<GatheredReply<T>> replies = new ArrayList<>();
		for (Arrival<T> arrival : arrivals) {
			if (replies.stream().noneMatch((reply) -> reply.responder().equals(arrival.reply().responder()))) {
				replies.add(arrival.reply());
			}
			if (policy.done().test(List.copyOf(replies))) {
				return StubTimes.later(arrival.delay(), new GatherResult<>(replies, false));
			}
		}
		// As the template: asked once more at the timeout, a "no" is a timeout.
		if (first != null && !policy.atTimeout().test(List.copyOf(replies))) {
			CompletableFuture<GatherResult<T>> timedOut = new CompletableFuture<>();
			StubTimes.timeOut(timedOut, first, policy.timeout());
			return timedOut;
		}
		return StubTimes.later(policy.timeout(), new GatherResult<>(replies, true));
	}

	private record Arrival<T>(Duration delay, GatheredReply<T> reply) {
	}

}
