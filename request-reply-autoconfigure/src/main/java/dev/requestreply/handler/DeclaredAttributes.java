package dev.requestreply.handler;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.asm.AnnotationVisitor;
import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.SpringAsmInfo;
import org.springframework.asm.Type;
import org.springframework.util.ClassUtils;

/**
 * Tells whether an attribute of an annotation on a method is written out in its source, which
 * reflection cannot (it answers the default value either way): read from the method's class file.
 */
final class DeclaredAttributes {

	private DeclaredAttributes() {
	}

	/**
	 * Return whether the method's own annotation of the given type names the attribute.
	 * @param method the method
	 * @param type the annotation type, present on the method itself
	 * @param attribute the attribute
	 * @return whether it is named, or {@code null} when the class file does not say (not found,
	 * or the annotation is not on the method itself but composed)
	 */
	static @Nullable Boolean declared(Method method, Class<? extends Annotation> type, String attribute) {
		Class<?> declaring = method.getDeclaringClass();
		String resource = ClassUtils.convertClassNameToResourcePath(declaring.getName()) + ClassUtils.CLASS_FILE_SUFFIX;
		ClassLoader loader = (declaring.getClassLoader() != null) ? declaring.getClassLoader()
				: ClassUtils.getDefaultClassLoader();
		if (loader == null) {
			return null;
		}
		try (InputStream in = loader.getResourceAsStream(resource)) {
			if (in == null) {
				return null;
			}
			Finder finder = new Finder(method.getName(), Type.getMethodDescriptor(method), Type.getDescriptor(type));
			new ClassReader(in).accept(finder, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
			return finder.found ? finder.names.contains(attribute) : null;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static final class Finder extends ClassVisitor {

		private final String methodName;

		private final String methodDescriptor;

		private final String annotationDescriptor;

		private final Set<String> names = new HashSet<>();

		private boolean found;

		Finder(String methodName, String methodDescriptor, String annotationDescriptor) {
			super(SpringAsmInfo.ASM_VERSION);
			this.methodName = methodName;
			this.methodDescriptor = methodDescriptor;
			this.annotationDescriptor = annotationDescriptor;
		}

		@Override
		public @Nullable MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
				String[] exceptions) {
			if (!name.equals(this.methodName) || !descriptor.equals(this.methodDescriptor)) {
				return null;
			}
			return new MethodVisitor(SpringAsmInfo.ASM_VERSION) {

				@Override
				public @Nullable AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
					if (!annotation.equals(Finder.this.annotationDescriptor)) {
						return null;
					}
					Finder.this.found = true;
					return new AnnotationVisitor(SpringAsmInfo.ASM_VERSION) {

						@Override
						public void visit(String attribute, Object value) {
							Finder.this.names.add(attribute);
						}

						@Override
						public void visitEnum(String attribute, String descriptor, String value) {
							Finder.this.names.add(attribute);
						}

						@Override
						public @Nullable AnnotationVisitor visitArray(String attribute) {
							Finder.this.names.add(attribute);
							return null;
						}

						@Override
						public @Nullable AnnotationVisitor visitAnnotation(String attribute, String descriptor) {
							Finder.this.names.add(attribute);
							return null;
						}

					};
				}

			};
		}

	}

}
