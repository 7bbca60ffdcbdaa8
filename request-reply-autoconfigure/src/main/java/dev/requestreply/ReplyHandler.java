package dev.requestreply;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a Spring bean as the handler of the requests sent to the given topics.
 * <p>
 * The method declares one parameter, the request payload, converted to the parameter's declared
 * type ({@code String} from UTF-8, {@code byte[]} as is, anything else from JSON). Its return value
 * is the reply; a returned {@link java.util.concurrent.CompletionStage} replies with the value it
 * completes with. A thrown exception, or a stage that fails, becomes an error reply, so that the
 * requester's future fails with {@link RemoteHandlerException}. A request whose
 * {@code rr_deadline} has passed is never handed to the method.
 * <p>
 * Each handler gets a listener container in a consumer group shared by all instances of the
 * application, so that every request is handled once by one instance.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ReplyHandler {

	/**
	 * Topics the requests are read from. {@code ${...}} placeholders resolve.
	 * @return the request topics
	 */
	String[] topics();

	/**
	 * Consumer group of this handler. {@code ${...}} placeholders resolve. Empty means
	 * {@code <base>.<topics>}, where the base is the {@code request-reply.handler.group-id}
	 * property, or else {@code spring.application.name}: one group per handler, shared by all
	 * instances of the application. Name it explicitly to keep it stable when the handler's topics
	 * change.
	 * @return the consumer group id
	 */
	String groupId() default "";

	/**
	 * Number of consumer threads of this handler. {@code ${...}} placeholders resolve. Empty
	 * means the {@code request-reply.handler.concurrency} property.
	 * @return the concurrency
	 */
	String concurrency() default "";

}
