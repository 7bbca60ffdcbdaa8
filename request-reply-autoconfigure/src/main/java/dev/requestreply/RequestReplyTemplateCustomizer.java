package dev.requestreply;

/**
 * Callback to customize the auto-configured {@link RequestReplyTemplate} before it starts.
 * Declare it as a bean; every one applies, in order, after the {@code request-reply.*}
 * properties.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface RequestReplyTemplateCustomizer {

	/**
	 * Customize the template.
	 * @param template the template
	 */
	void customize(RequestReplyTemplate template);

}
