package dev.requestreply.docs.snippets;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.context.annotation.Configuration;

/**
 * The reply types of {@code request(...)} calls registered for an application processed ahead of
 * time, as the README's AOT section shows it.
 */
class AotSnippets {

	// tag::binding[]
	@Configuration(proxyBeanMethods = false)
	@RegisterReflectionForBinding({ Quote.class, QuoteRequest.class }) // the types your request(...) calls name
	class QuoteReplyTypes {

	}
	// end::binding[]

}
