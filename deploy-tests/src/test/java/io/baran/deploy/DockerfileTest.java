package io.baran.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.baran.deploy.Compose.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each service's Dockerfile: built from its own module, pinned base images, its port, a non-root user. */
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
}
