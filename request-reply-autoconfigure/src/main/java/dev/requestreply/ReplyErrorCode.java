package dev.requestreply;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives the error replies of an exception class (and its subclasses) an error code: when a
 * {@link ReplyHandler @ReplyHandler} method fails with it, the error reply carries the code in the
 * {@code rr_error_code} header, and the requester reads it from
 * {@link RemoteHandlerException#getErrorCode()}. Failures of classes without the annotation (on
 * themselves or a superclass) get {@link ReplyErrorCodes#INTERNAL}.
 *
 * <pre class="code">
 * &#64;ReplyErrorCode(ReplyErrorCodes.NOT_FOUND)
 * class UnknownSymbolException extends RuntimeException { ... }
 * </pre>
 *
 * @since 0.2.0
 * @see ReplyErrorCodes
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface ReplyErrorCode {

	/**
	 * The code: one of gRPC's canonical code names, see {@link ReplyErrorCodes}. Any other value
	 * is sent as {@link ReplyErrorCodes#UNKNOWN}, and a WARN names the exception class.
	 * @return the error code
	 */
	String value();

}
