package dev.requestreply;

import dev.requestreply.requester.RequesterSettings;

/**
 * Callback to customize the settings of the auto-configured {@link RequestReplyTemplate} before it
 * is created. Declare it as a bean; every one applies, in order, after the {@code request-reply.*}
 * properties.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface RequestReplyTemplateCustomizer {

	/**
	 * Customize the template's settings.
	 * @param settings the settings, with the properties applied
	 * @since 0.3.0
	 */
	void customize(RequesterSettings.Builder settings);

}
