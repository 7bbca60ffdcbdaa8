package dev.requestreply.test;

import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The replies of one topic of a {@link StubRequestReplyOperations}. Each call replaces what the
 * topic answered before.
 *
 * @since 0.1.0
 */
public final class TopicStub {

	private volatile @Nullable Function<Object, List<StubReply>> answer;

	TopicStub() {
	}

	/**
	 * Answer every request with this value.
	 * @param value the reply, may be {@code null}
	 * @return this stub
	 * @see StubReply#value(Object)
	 */
	public TopicStub reply(Object value) {
		return answer(StubReply.value(value));
	}

	/**
	 * Answer every request with an error reply, as a handler that threw an exception of that
	 * class.
	 * @param errorType the class of the remote failure
	 * @param message the failure's message, may be {@code null}
	 * @return this stub
	 */
	public TopicStub fail(Class<? extends Throwable> errorType, String message) {
		return answer(StubReply.error(errorType, message));
	}

	/**
	 * Answer no request, so that each times out.
	 * @return this stub
	 */
	public TopicStub noReply() {
		return answer(StubReply.none());
	}

	/**
	 * Answer every request with these replies: a single request, and a stream request, take the
	 * first; a scatter-gather takes each as the reply of one responder.
	 * @param replies the replies, at least one
	 * @return this stub
	 */
	public TopicStub answer(StubReply... replies) {
		Assert.notEmpty(replies, "'replies' must not be empty");
		Assert.noNullElements(replies, "'replies' must not contain null");
		List<StubReply> fixed = List.of(replies);
		this.answer = (payload) -> fixed;
		return this;
	}

	/**
	 * Answer each request with a reply computed from its payload, as given by the caller.
	 * @param answer the function from payload to reply; it may throw, which fails the request
	 * as a failing handler would
	 * @return this stub
	 */
	public TopicStub answer(Function<Object, StubReply> answer) {
		Assert.notNull(answer, "'answer' must not be null");
		this.answer = (payload) -> {
			StubReply reply;
			try {
				reply = answer.apply(payload);
			}
			catch (RuntimeException ex) {
				return List.of(StubReply.error(ex.getClass(), ex.getMessage()));
			}
			Assert.state(reply != null, "The stub's answer gave no reply: return StubReply.none() for none");
			return List.of(reply);
		};
		return this;
	}

	List<StubReply> repliesTo(Object payload) {
		Function<Object, List<StubReply>> current = this.answer;
		Assert.state(current != null, "No reply was given to this topic's stub");
		return current.apply(payload);
	}

}
