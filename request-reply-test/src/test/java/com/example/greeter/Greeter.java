// tag::handler[]
package com.example.greeter;

import dev.requestreply.ReplyHandler;

import org.springframework.stereotype.Component;

// The responder: answers every request sent to the topic.
@Component
class Greeter {

	@ReplyHandler(topics = "greetings")
	String greet(String name) {
		return "Hello, " + name + "!";
	}

}
// end::handler[]
