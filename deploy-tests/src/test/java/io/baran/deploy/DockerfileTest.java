package io.baran.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baran.deploy.Compose.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each service's Dockerfile: built from its own module, pinned base images, its port, a non-root user, and the
 * orchestrator and the worker on C1 only, as bin/local-stack runs them.
 */
class DockerfileTest {

    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)(?:\\s+AS\\s+\\S+)?\\s*$");
    private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\S+)\\s*$");

    @Test
    void eachServiceIsBuiltFromItsOwnModuleByTheComposeFile() {
        Compose compose = Compose.read();
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : ServiceModule.ALL) {
            String path = module.module() + "/src/main/docker/Dockerfile.jvm";
            Service service = compose.service(module.module());
            if (!service.build("context").orElse("").equals(".")) {
                problems.add(module
                        + ": build context is not the repository root (the build needs the parent pom and libs)");
            }
            if (!service.build("dockerfile").orElse("").equals(path)) {
                problems.add(module + ": build.dockerfile is not " + path);
            }
            String dockerfile = Repo.read(path);
            if (!dockerfile.contains("-pl " + module.module() + " -am")) {
                problems.add(path + " does not build its module (-pl " + module.module() + " -am)");
            }
            if (!dockerfile.contains("/src/" + module.module() + "/target/quarkus-app/")) {
                problems.add(path + " does not copy its module's packaged app");
            }
            String ignore = Repo.read(path + ".dockerignore");
            if (!ignore.contains("**/target") || !ignore.contains(".baran")) {
                problems.add(path + ".dockerignore must keep target/ and .baran/ out of the build context");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void baseImagesArePinnedAndTheServiceDoesNotRunAsRoot() {
        List<String> problems = new ArrayList<>();
        for (ServiceModule module : ServiceModule.ALL) {
            String path = module.module() + "/src/main/docker/Dockerfile.jvm";
            String dockerfile = Repo.read(path);
            Matcher from = FROM.matcher(dockerfile);
            int stages = 0;
            while (from.find()) {
                stages++;
                Images.unpinned(from.group(1)).ifPresent(p -> problems.add(path + ": " + p));
            }
            if (stages < 2) {
                problems.add(path + ": expected a build stage and a runtime stage, found " + stages);
            }
            Matcher user = USER.matcher(dockerfile);
            String last = null;
            while (user.find()) {
                last = user.group(1);
            }
            if (last == null || !last.matches("\\d+") || last.equals("0")) {
                problems.add(path
                        + ": the final USER must be a numeric non-root id (Kubernetes' runAsNonRoot checks it), is "
                        + last);
            }
            if (!dockerfile.contains("WORKDIR /deployments")) {
                problems.add(path + ": the app must run in /deployments, where config/ and data/ are mounted");
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * The orchestrator and the worker run with C1 only ({@code -XX:TieredStopAtLevel=1}) wherever they are started
     * (README, "Mass failover": C2 compiling an outage's burst took the CPU the failover needed); the detector keeps C2
     * for its probes' steady load.
     */
    @Test
    void theOrchestratorAndTheWorkerRunWithC1OnlyInTheirImagesAndTheLocalStack() {
        List<String> problems = new ArrayList<>();
        Pattern javaOpts = Pattern.compile("(?m)^ENV JAVA_OPTS=\"([^\"]*)\"");
        for (ServiceModule module : ServiceModule.ALL) {
            String path = module.module() + "/src/main/docker/Dockerfile.jvm";
            Matcher opts = javaOpts.matcher(Repo.read(path));
            String options = opts.find() ? opts.group(1) : "";
            boolean c1 = List.of(options.split("\\s+")).contains("-XX:TieredStopAtLevel=1");
            if (c1 == (module == ServiceModule.DETECTOR)) {
                problems.add(path + ": JAVA_OPTS \"" + options + "\" " + (c1 ? "limits" : "does not limit")
                        + " the JIT to C1");
            }
        }
        String localStack = Repo.read("bin/local-stack");
        if (!localStack.contains("[[ $svc == detector-service ]] || jit=(-XX:TieredStopAtLevel=1)")
                || !localStack.contains("java -Xmx384m \"${jit[@]}\" -jar")) {
            problems.add("bin/local-stack does not start the orchestrator and the worker with -XX:TieredStopAtLevel=1");
        }
        assertEquals(List.of(), problems);
    }
}
