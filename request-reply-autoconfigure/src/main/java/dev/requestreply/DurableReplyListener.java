package dev.requestreply;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.requestreply.aot.DurableReplyListenerReflectiveProcessor;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a method of a Spring bean as the listener of the outcomes of durable requests of one kind
 * (see {@link RequestReplyOperations#submit(String, Object, DurableOptions) submit}). The method
 * takes one parameter, a {@link DurableOutcome DurableOutcome&lt;T&gt;} whose {@code T} is the type
 * replies are converted to: <pre class="code">
 * &#64;DurableReplyListener("report")
 * void onReport(DurableOutcome&lt;Report&gt; outcome) {
 *     if (outcome instanceof DurableOutcome.Replied&lt;Report&gt; replied) {
 *         store(outcome.context().get("customer"), replied.reply());
 *     }
 *     else if (outcome instanceof DurableOutcome.Failed&lt;Report&gt; failed) {
 *         alert(failed.errorCode(), failed.message());
 *     }
 * }
 * </pre>
 * A parameter whose {@code T} is a wildcard or a type variable fails start-up. The outcome
 * reaches whichever instance of the application (the same {@code spring.application.name}) reads
 * it, at least once: a listener may be called again for the same request after a crash or a
 * hand-over ({@link DurableOutcome#deliveryAttempt()}).
 *
 * @since 0.4.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(DurableReplyListenerReflectiveProcessor.class)
public @interface DurableReplyListener {

	/**
	 * The kind of durable requests whose outcomes this method receives, as given to
	 * {@link DurableOptions#kind(String)}.
	 * @return the kind
	 */
	String value();

}
