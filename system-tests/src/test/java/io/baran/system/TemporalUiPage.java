package io.baran.system;

import io.baran.testinfra.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Renders a page of the Temporal Web UI in headless Chromium and returns the DOM it built. */
final class TemporalUiPage {

    private TemporalUiPage() {}

    static String render(String url) throws Exception {
        Path chromium = Tools.onPath("chromium")
                .or(() -> Tools.onPath("chromium-browser"))
                .orElseThrow(() -> new IllegalStateException("chromium is not installed: apt-get install -y chromium"));
        Path profile = Files.createTempDirectory("chromium-profile");
        Process browser = new ProcessBuilder(List.of(
                        chromium.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--user-data-dir=" + profile,
                        // Tall enough for every row of a drill's timeline: the UI renders only the rows in view.
                        "--window-size=1400,2400",
                        "--virtual-time-budget=20000",
                        "--dump-dom",
                        url))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(profile.resolve("dom.html").toFile())
                .start();
        if (!browser.waitFor(90, TimeUnit.SECONDS)) {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
            throw new IllegalStateException("chromium did not render " + url + " within 90 s");
        }
        return Files.readString(profile.resolve("dom.html"));
    }
}
