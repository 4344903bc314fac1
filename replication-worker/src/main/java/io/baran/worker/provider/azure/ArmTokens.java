package io.baran.worker.provider.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.function.Supplier;

/**
 * Bearer tokens for Azure Resource Manager. In production they come from azure-identity's
 * DefaultAzureCredential only (environment, workload identity, managed identity, Azure CLI); a token is
 * reused until five minutes before it expires. Against an emulator (an {@code endpoint} override) a fixed
 * token may come from the environment variable {@code token-env} names instead: never from configuration.
 */
final class ArmTokens implements Supplier<String> {

    static final String SCOPE = "https://management.azure.com/.default";
    private static final Duration EARLY = Duration.ofMinutes(5);

    private final TokenCredential credential;
    private final String fixed;
    private AccessToken cached;

    private ArmTokens(TokenCredential credential, String fixed) {
        this.credential = credential;
        this.fixed = fixed;
    }

    static ArmTokens defaultChain() {
        // Building the credential makes no call: the first token is asked for by the first step.
        return new ArmTokens(new DefaultAzureCredentialBuilder().build(), null);
    }

    static ArmTokens fixed(String token) {
        return new ArmTokens(null, token);
    }

    @Override
    public synchronized String get() {
        if (fixed != null) {
            return fixed;
        }
        if (cached == null
                || cached.getExpiresAt().isBefore(OffsetDateTime.now().plus(EARLY))) {
            cached = credential.getTokenSync(new TokenRequestContext().addScopes(SCOPE));
        }
        return cached.getToken();
    }
}
