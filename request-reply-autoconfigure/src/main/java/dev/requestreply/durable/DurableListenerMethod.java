package dev.requestreply.durable;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

import dev.requestreply.DurableOutcome;

/**
 * A {@code @DurableReplyListener} method: its kind and the reply type its outcomes convert to.
 *
 * @param id the bean name and method name
 * @param kind the kind it takes
 * @param bean the bean
 * @param method the method, made accessible
 * @param replyType the {@code T} of its {@code DurableOutcome<T>}
 */
record DurableListenerMethod(String id, String kind, Object bean, Method method, Type replyType) {

	void invoke(DurableOutcome<?> outcome) throws Throwable {
		try {
			this.method.invoke(this.bean, outcome);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

}
