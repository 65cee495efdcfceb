package io.channels4j.server;

import io.channels4j.ApplicationLoader;

import io.channels4j.Application;
import io.channels4j.testing.HttpCommunicator;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApplicationLoaderTest {

    private static final String FIXTURE = "io.channels4j.server.AsgiFixture";
    private static final String FORMS = "io.channels4j.server.ClassFormsFixture";

    private static Application load(String spec) throws ApplicationLoader.LoadException {
        return ApplicationLoader.load(spec, ApplicationLoaderTest.class.getClassLoader());
    }

    private static String answer(Application application) throws Exception {
        try (var communicator = new HttpCommunicator(application, "GET", "/x/")) {
            return communicator.getResponse().bodyText();
        }
    }

    @Test
    void staticField_isTheApplication() throws Exception {
        assertThat(load(FIXTURE + ":application")).isSameAs(AsgiFixture.HELLO);
    }

    @ParameterizedTest
    @ValueSource(strings = {":method", ":supplier", ":supplierMethod", " : method "})
    void staticMethodsAndSuppliers_giveTheApplication(String member) throws Exception {
        assertThat(load(FIXTURE + member)).isSameAs(AsgiFixture.HELLO);
    }

    @Test
    void bareClass_withApplicationField_usesIt() throws Exception {
        assertThat(load(FIXTURE)).isSameAs(AsgiFixture.HELLO);
    }

    @Test
    void bareClass_withApplicationMethod_usesIt() throws Exception {
        assertThat(load(FORMS + "$WithApplicationMethod")).isSameAs(AsgiFixture.HELLO);
    }

    @Test
    void bareClass_implementingApplication_isConstructed() throws Exception {
        Application application = load(FORMS + "$Implementing");

        assertThat(application).isInstanceOf(ClassFormsFixture.Implementing.class);
        assertThat(answer(application)).isEqualTo("hello /x/");
    }

    @Test
    void bareClass_implementingSupplier_isConstructedAndCalled() throws Exception {
        assertThat(load(FORMS + "$Supplying")).isSameAs(AsgiFixture.HELLO);
    }

    @Test
    void nestedClass_mayBeWrittenWithDots() throws Exception {
        assertThat(load(FORMS + ".Implementing")).isInstanceOf(ClassFormsFixture.Implementing.class);
    }

    @Test
    void usesTheGivenClassLoader() throws Exception {
        List<String> asked = new ArrayList<>();
        ClassLoader recording = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                return super.loadClass(name, resolve);
            }
        };

        ApplicationLoader.load(FIXTURE + ":application", recording);

        assertThat(asked).contains(FIXTURE);
    }

    @Test
    void missingClass_namesEveryNameTried() {
        assertThatThrownBy(() -> load("com.example.Missing.Inner:application"))
                .isInstanceOf(ApplicationLoader.LoadException.class)
                .hasMessage("class com.example.Missing.Inner not found on the class path (tried"
                        + " com.example.Missing.Inner, com.example.Missing$Inner);"
                        + " name a compiled Java class, e.g. com.example.Asgi:application");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":application", "com.example.Asgi:", "a:b:c"})
    void malformedName_isRejected(String spec) {
        assertThatThrownBy(() -> load(spec))
                .hasMessage("'" + spec + "' is not an application name: expected com.example.Asgi:application"
                        + " or com.example.Asgi");
    }

    @Test
    void missingMember_isNamed() {
        assertThatThrownBy(() -> load(FIXTURE + ":nope"))
                .hasMessage(FIXTURE + " has no public static field or no-arg method named 'nope'");
    }

    @Test
    void instanceField_isExplained() {
        assertThatThrownBy(() -> load(FIXTURE + ":instanceField"))
                .hasMessage(FIXTURE + " has no public static field or no-arg method named 'instanceField'"
                        + " (a field 'instanceField' exists but is not public static)");
    }

    @Test
    void nonPublicField_isExplained() {
        assertThatThrownBy(() -> load(FIXTURE + ":packagePrivate"))
                .hasMessageEndingWith("(a field 'packagePrivate' exists but is not public static)");
    }

    @Test
    void methodWithParameters_isExplained() {
        assertThatThrownBy(() -> load(FIXTURE + ":withParameter"))
                .hasMessageEndingWith("(a method 'withParameter' exists but is not public static with no parameters)");
    }

    @Test
    void wrongType_isNamed() {
        assertThatThrownBy(() -> load(FIXTURE + ":notAnApplication"))
                .hasMessage(FIXTURE + ".notAnApplication is a java.lang.String, not an io.channels4j.Application"
                        + " or a Supplier<Application>");
    }

    @Test
    void nullField_isNamed() {
        assertThatThrownBy(() -> load(FIXTURE + ":nothing"))
                .hasMessage(FIXTURE + ".nothing is null, not an io.channels4j.Application or a Supplier<Application>");
    }

    @Test
    void supplierOfTheWrongType_isNamed() {
        assertThatThrownBy(() -> load(FIXTURE + ":suppliesString"))
                .hasMessage("the Supplier from " + FIXTURE + ".suppliesString returned a java.lang.String,"
                        + " not an io.channels4j.Application");
    }

    @Test
    void throwingMethod_isReportedWithItsCause() {
        assertThatThrownBy(() -> load(FIXTURE + ":throwing"))
                .hasMessage(FIXTURE + ".throwing() threw java.lang.IllegalStateException: boom in method")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void throwingSupplier_isReportedWithItsCause() {
        assertThatThrownBy(() -> load(FIXTURE + ":throwingSupplier"))
                .hasMessage("the Supplier from " + FIXTURE + ".throwingSupplier threw"
                        + " java.lang.IllegalStateException: boom in supplier")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void throwingConstructor_isReportedWithItsCause() {
        assertThatThrownBy(() -> load(FORMS + "$FailingConstructor"))
                .hasMessage("the constructor of " + FORMS + "$FailingConstructor threw"
                        + " java.lang.IllegalStateException: boom in constructor")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void failingStaticInitialisation_isReportedWithItsCause() {
        assertThatThrownBy(() -> load(FORMS + "$FailingStaticInit:application"))
                .hasMessage("the static initialisation of " + FORMS + "$FailingStaticInit failed:"
                        + " java.lang.IllegalStateException: boom in static init")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void classWithoutNoArgConstructor_isExplained() {
        assertThatThrownBy(() -> load(FORMS + "$NoDefaultConstructor"))
                .hasMessage(FORMS + "$NoDefaultConstructor needs a public no-arg constructor to be used as the application");
    }

    @Test
    void abstractClass_isExplained() {
        assertThatThrownBy(() -> load(FORMS + "$Abstract"))
                .hasMessage(FORMS + "$Abstract is abstract: name a concrete class or a static member");
    }

    @Test
    void plainClass_isExplained() {
        assertThatThrownBy(() -> load(FORMS + "$Plain"))
                .hasMessage(FORMS + "$Plain does not implement Application or Supplier<Application> and has no"
                        + " public static field or no-arg method named 'application'");
    }
}
