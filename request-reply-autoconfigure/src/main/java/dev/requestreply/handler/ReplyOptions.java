package dev.requestreply.handler;

import org.jspecify.annotations.Nullable;

/**
 * How the replies of a {@link dev.requestreply.ReplyHandler @ReplyHandler} are addressed and what
 * they carry besides the handler's own headers: set for one handler by its annotation, for all by
 * the {@code request-reply.handler.*} properties. A {@code null} setting is not set here, and
 * taken from the defaults ({@link #orElse(ReplyOptions)}).
 *
 * @param responderHeaders whether replies carry the library's own {@code rr_responder} header
 * (which names the responder in a scatter-gather); without it a reply carries the correlation
 * id, the handler's own headers and, on an error reply, the error headers
 * @since 0.4.0
 */
public record ReplyOptions(@Nullable Boolean responderHeaders) {

	/**
	 * Nothing set: every setting from the defaults.
	 */
	public static final ReplyOptions UNSET = new ReplyOptions(null);

	/**
	 * The defaults of every handler that sets nothing: replies carry {@code rr_responder}.
	 */
	public static final ReplyOptions DEFAULTS = new ReplyOptions(true);

	/**
	 * Return these options, each one not set taken from the given defaults.
	 * @param defaults the defaults
	 * @return the options in effect
	 */
	public ReplyOptions orElse(ReplyOptions defaults) {
		return new ReplyOptions((this.responderHeaders != null) ? this.responderHeaders : defaults.responderHeaders);
	}

	/**
	 * Return whether replies carry the library's own responder header; unset counts as yes.
	 * @return whether replies carry {@code rr_responder}
	 */
	public boolean carriesResponderHeaders() {
		return !Boolean.FALSE.equals(this.responderHeaders);
	}

}
